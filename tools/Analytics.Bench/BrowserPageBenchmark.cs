using System.Globalization;
using Microsoft.Playwright;

namespace Analytics.Bench;

/// <summary>
/// Browser time of dashboard pages: an installed Chromium (headless, Playwright; nothing is downloaded) opens each page
/// in a fresh context and the time from navigation start until the page's grid and charts are in the document is read
/// from the page's own clock (performance.now()).
/// </summary>
public static class BrowserPageBenchmark
{
    public const string DefaultChromium = "/usr/bin/chromium";

    /// <summary>The headless flags of the browser tests (tests/Analytics.Web.Tests/Browser/BrowserFixture).</summary>
    private static readonly string[] ChromiumArguments =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    /// <param name="pages">Each page with the CSS selectors that must all match before it counts as rendered.</param>
    public static async Task<IReadOnlyList<PageTiming>> RunAsync(
        Uri baseAddress, IReadOnlyList<(string Name, string Path, string[] Ready)> pages, int loads, string chromium, IProgress<string> progress, CancellationToken cancellationToken)
    {
        if (!File.Exists(chromium))
        {
            throw new FileNotFoundException($"No Chromium at {chromium} (apt-get install chromium, or --chromium <path>); a browser is never downloaded.", chromium);
        }
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true, Args = ChromiumArguments });
        var timings = new List<PageTiming>();
        foreach (var (name, path, ready) in pages)
        {
            progress.Report($"{name} in Chromium: {loads} loads…");
            var condition = string.Join(" && ", ready.Select(selector => $"document.querySelector({Quote(selector)})"));
            var times = new List<double>();
            for (var i = -2; i < loads; i++) // two warm-up loads
            {
                cancellationToken.ThrowIfCancellationRequested();
                await using var context = await browser.NewContextAsync(new() { BaseURL = baseAddress.ToString(), ViewportSize = new() { Width = 1400, Height = 1000 } });
                var page = await context.NewPageAsync();
                await page.GotoAsync(path, new() { WaitUntil = WaitUntilState.Commit, Timeout = 120_000 });
                var rendered = await page.WaitForFunctionAsync($"() => ({condition}) ? performance.now() : null", null, new() { Timeout = 120_000 });
                if (i >= 0)
                {
                    times.Add(await rendered.JsonValueAsync<double>());
                }
            }
            times.Sort();
            timings.Add(new PageTiming($"{name} (browser)", path, loads, PageBenchmark.Percentile(times, 0.5), PageBenchmark.Percentile(times, 0.95)));
        }
        return timings;
    }

    private static string Quote(string selector) => "'" + selector.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";
}
