using System.Globalization;
using Microsoft.Playwright;

namespace Analytics.Bench;

/// <summary>
/// Browser time of the app's pages: an installed Chromium (headless, Playwright; nothing is downloaded) opens each page
/// in a fresh context and the time from navigation start until the page's figures and charts are in the document is
/// read from the page's own clock (performance.now()). A page that does not render in time is recorded as such and the
/// others are still timed.
/// </summary>
public static class BrowserPageBenchmark
{
    public const string DefaultChromium = "/usr/bin/chromium";

    /// <summary>The headless flags of the browser tests (tests/Analytics.Web.Tests/Browser/BrowserFixture).</summary>
    private static readonly string[] ChromiumArguments =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    /// <summary>
    /// What every page shows once its figures are in: the period line (<c>data-testid=window</c>; the admin page's tabs),
    /// and an SVG in every chart. The team page and the leadership dashboard wait for more (their grid's rows, a chart's
    /// series), as they did before every page was timed.
    /// </summary>
    public static string[] Ready(string name) => name switch
    {
        "team page" => ["[data-testid=deployments] tbody tr.rz-data-row", "[data-testid=recovery-time] [data-testid=figure]", "[data-testid=cycle-time]"],
        "dashboard leadership" => ["[data-testid=deployments-chart] svg g.rz-column-series path", "[data-testid=recovery-chart] svg g.rz-line-series", "[data-testid=teams] tbody tr.rz-data-row"],
        "admin" => ["[data-testid=admin-tabs]"],
        _ => ["[data-testid=window]"],
    };

    /// <param name="pages">Each page with the CSS selectors that must all match (and every chart have its SVG) before it counts as rendered.</param>
    /// <param name="report">Called with each page's timing as soon as it is measured.</param>
    public static async Task<IReadOnlyList<PageTiming>> RunAsync(
        Uri baseAddress, IReadOnlyList<(string Name, string Path, string[] Ready)> pages, int loads, string chromium, IProgress<string> progress, CancellationToken cancellationToken,
        Action<PageTiming>? report = null)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright, chromium);
        var timings = new List<PageTiming>();
        foreach (var (name, path, ready) in pages)
        {
            progress.Report($"{name} in Chromium: {loads} loads…");
            var times = new List<double>();
            PageTiming timing;
            try
            {
                for (var i = -2; i < loads; i++) // two warm-up loads
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var rendered = await RenderOnceAsync(browser, baseAddress, path, ready);
                    if (i >= 0)
                    {
                        times.Add(rendered);
                    }
                }
                times.Sort();
                timing = new PageTiming($"{name} (browser)", path, loads, PageBenchmark.Percentile(times, 0.5), PageBenchmark.Percentile(times, 0.95));
            }
            catch (TimeoutException)
            {
                progress.Report($"{name} in Chromium: not rendered within 120 s");
                timing = new PageTiming($"{name} (browser)", path, times.Count, double.NaN, double.NaN) { NotRendered = true };
            }
            timings.Add(timing);
            report?.Invoke(timing);
        }
        return timings;
    }

    /// <summary>The installed Chromium, headless, with the browser tests' flags.</summary>
    internal static async Task<IBrowser> LaunchAsync(IPlaywright playwright, string chromium)
    {
        if (!File.Exists(chromium))
        {
            throw new FileNotFoundException($"No Chromium at {chromium} (apt-get install chromium, or --chromium <path>); a browser is never downloaded.", chromium);
        }
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        return await playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true, Args = ChromiumArguments });
    }

    /// <summary>
    /// Opens <paramref name="path"/> in a fresh context and returns the page's own time (performance.now()) when every
    /// <paramref name="ready"/> selector matches and every chart has its SVG; <paramref name="afterRendered"/> runs on the
    /// page before it is closed.
    /// </summary>
    /// <param name="initScript">Script run in the page before its own (page-profile's load breakdown), or null.</param>
    internal static async Task<double> RenderOnceAsync(IBrowser browser, Uri baseAddress, string path, string[] ready, Func<IPage, Task>? afterRendered = null, string? initScript = null)
    {
        var condition = string.Join(" && ", ready.Select(selector => $"document.querySelector({Quote(selector)})")
            .Append("[...document.querySelectorAll('.rz-chart')].every(chart => chart.querySelector('svg'))"));
        await using var context = await browser.NewContextAsync(new() { BaseURL = baseAddress.ToString(), ViewportSize = new() { Width = 1400, Height = 1000 } });
        if (initScript is not null)
        {
            await context.AddInitScriptAsync(initScript);
        }
        var page = await context.NewPageAsync();
        await page.GotoAsync(path, new() { WaitUntil = WaitUntilState.Commit, Timeout = 120_000 });
        var rendered = await page.WaitForFunctionAsync($"() => ({condition}) ? performance.now() : null", null, new() { Timeout = 120_000 });
        var time = await rendered.JsonValueAsync<double>();
        if (afterRendered is not null)
        {
            await afterRendered(page);
        }
        return time;
    }

    private static string Quote(string selector) => "'" + selector.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";
}
