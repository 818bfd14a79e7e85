using Analytics.Web.Queries;
using Microsoft.Playwright;
using static Analytics.Web.Tests.Browser.DashboardPages;

namespace Analytics.Web.Tests.Browser;

/// <summary>The monthly leadership report in Chromium: rendered, interactive, charts drawn, nothing logged as an error. Screenshot: artifacts/screenshots/monthly-report.png.</summary>
[Collection(AnalyticsAppCollection.Name)]
public sealed class MonthlyReportBrowserTests(AnalyticsAppFixture app, BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_monthly_report_renders_its_keys_tiers_platform_figures_and_charts_with_no_console_error()
    {
        var month = app.Services.GetRequiredService<MonthlyReportQueries>().MonthOf(null);
        await using var session = await OpenAsync(browser, app, $"/reports/monthly?month={month:yyyy-MM}", interactive: false);
        var page = session.Page;

        await Assertions.Expect(page.Locator("[data-testid=keys-trend] tbody tr")).ToHaveCountAsync(4);
        await Assertions.Expect(page.Locator("[data-testid=tier-distribution]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=hours-saved]")).ToBeVisibleAsync();
        // The four series charts are drawn (Radzen draws SVG paths), and once the circuit is up their toggles work.
        await Assertions.Expect(page.Locator("[data-testid=deployments-chart] svg g.rz-column-series path").First).ToBeAttachedAsync();
        // Clicks on the prerendered page do nothing: click until the circuit answers.
        var deadline = DateTime.UtcNow.AddMilliseconds(TimeoutMs);
        while (true)
        {
            await page.Locator("[data-testid=deployments-toggle]").ClickAsync();
            try
            {
                await Assertions.Expect(page.Locator("[data-testid=deployments-table]")).ToBeVisibleAsync(new() { Timeout = 2_000 });
                break;
            }
            catch (PlaywrightException) when (DateTime.UtcNow < deadline)
            {
            }
        }
        await session.ScreenshotWholePageAsync("monthly-report");
        await session.AssertCleanAsync();
    }
}
