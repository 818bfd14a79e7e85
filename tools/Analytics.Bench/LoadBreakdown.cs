using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;

namespace Analytics.Bench;

/// <summary>
/// Where one browser load's time goes, from the page's own clock (ms since navigation start): the HTML's response
/// (Navigation Timing), DOMContentLoaded, each script and the circuit's negotiate request (Resource Timing), the circuit's
/// WebSocket (created, open, first message: recorded by <see cref="InitScript"/>, as Resource Timing has no WebSockets),
/// the first chart SVG and the moment the benchmark's ready condition held.
/// </summary>
public static class LoadBreakdown
{
    /// <summary>Records the WebSocket's times and the first chart SVG's in window.__load before the page's scripts run.</summary>
    public const string InitScript = """
        (() => {
          const load = window.__load = {};
          const Native = window.WebSocket;
          window.WebSocket = class extends Native {
            constructor(...args) {
              super(...args);
              load.wsCreated ??= performance.now();
              this.addEventListener('open', () => load.wsOpen ??= performance.now());
              this.addEventListener('message', () => load.wsFirstMessage ??= performance.now());
            }
          };
          new MutationObserver(() => {
            if (load.firstChartSvg === undefined && document.querySelector('.rz-chart svg')) load.firstChartSvg = performance.now();
          }).observe(document, { subtree: true, childList: true });
        })();
        """;

    private const string Read = """
        () => {
          const n = performance.getEntriesByType('navigation')[0];
          const resources = performance.getEntriesByType('resource')
            .filter(e => e.initiatorType === 'script' || e.initiatorType === 'link' || e.name.includes('_blazor') || e.name.includes('/_framework/'))
            .map(e => ({ name: new URL(e.name).pathname, start: e.startTime, end: e.responseEnd, bytes: e.encodedBodySize }));
          return JSON.stringify({ responseStart: n.responseStart, responseEnd: n.responseEnd, htmlBytes: n.encodedBodySize,
            domContentLoaded: n.domContentLoadedEventEnd, loadEvent: n.loadEventEnd, now: performance.now(), resources, ...window.__load });
        }
        """;

    /// <summary>One line: each part's time, the scripts and stylesheets with their bytes, the slowest last.</summary>
    public static async Task<string> ReadAsync(IPage page)
    {
        using var json = JsonDocument.Parse(await page.EvaluateAsync<string>(Read));
        var root = json.RootElement;
        string Ms(string name) => root.TryGetProperty(name, out var value) ? value.GetDouble().ToString("N0", CultureInfo.InvariantCulture) : "—";
        var resources = root.GetProperty("resources").EnumerateArray()
            .Select(e => $"{e.GetProperty("name").GetString()} {e.GetProperty("start").GetDouble():N0}–{e.GetProperty("end").GetDouble():N0} ({e.GetProperty("bytes").GetDouble() / 1024:N0} KB)");
        return $"HTML response {Ms("responseStart")}–{Ms("responseEnd")} ({root.GetProperty("htmlBytes").GetDouble() / 1024:N0} KB), DOMContentLoaded {Ms("domContentLoaded")}, load event {Ms("loadEvent")}; "
            + $"WebSocket created {Ms("wsCreated")}, open {Ms("wsOpen")}, first message {Ms("wsFirstMessage")}; first chart SVG {Ms("firstChartSvg")}; ready (read at) {Ms("now")}. "
            + "Resources: " + string.Join("; ", resources);
    }
}
