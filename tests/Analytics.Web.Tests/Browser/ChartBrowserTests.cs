using System.Text.RegularExpressions;
using Analytics.Core.Calendar;
using Microsoft.Playwright;
using static Analytics.Web.Tests.Browser.DashboardPages;

namespace Analytics.Web.Tests.Browser;

/// <summary>
/// A chart point in a real browser: clicking a week's bar on the team page's deployments chart opens the team page for
/// that week, whose deployments tab lists exactly the deployments the bar counts. Screenshot: artifacts/screenshots/team-week-*.png.
/// </summary>
[Collection(AnalyticsAppCollection.Name)]
public sealed class ChartBrowserTests(AnalyticsAppFixture app, BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Clicking_a_weekly_deployments_bar_lands_on_that_weeks_rows()
    {
        var team = (await app.Http.GetDoraAsync()).Teams.OrderByDescending(summary => summary.DeploymentFrequency.Deployments).First().Team;
        await using var session = await OpenAsync(browser, app, $"/teams/{team}?days=30");
        var page = session.Page;
        await page.Locator("[data-testid=drill-down]").WaitForAsync(new() { Timeout = TimeoutMs });
        var window = await WindowAsync(page);

        // The bars are the weekly series' buckets in order; pick a whole week with deployments.
        var series = (await app.Services.GetRequiredService<DoraQueries>().SeriesAsync(new DoraRequest(window.From, window.To, team), Granularity.Week))
            .Where(point => point.Team == team).ToList();
        var index = series.FindIndex(point => !point.Partial && point.Deployments > 0);
        Assert.True(index >= 0, $"{team} has no whole week with a deployment in {window}");
        var week = series[index];
        var bars = page.Locator("[data-testid=deployments-chart] .rz-column-series path");
        await Assertions.Expect(bars).ToHaveCountAsync(series.Count);

        await bars.Nth(index).ClickAsync();

        var from = week.Bucket.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var to = week.Bucket.AddDays(7).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await page.WaitForURLAsync(new Regex($@"/teams/{Regex.Escape(team)}\?from={from}&to={to}$"), new() { Timeout = TimeoutMs });
        await WaitForFiguresAsync(page);
        var landed = await WindowAsync(page);
        Assert.Equal(new DateTimeOffset(week.Bucket.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), landed.From);
        Assert.Equal(landed.From.AddDays(7), landed.To);
        var tabs = page.Locator("[data-testid=drill-down] [role=tab]");
        await Assertions.Expect(tabs.Nth(0)).ToHaveTextAsync($"Deployments ({week.Deployments})");
        var rows = page.Locator("[data-testid=deployments] tbody tr.rz-data-row");
        await Assertions.Expect(rows).ToHaveCountAsync((int)Math.Min(25, week.Deployments));
        await session.ScreenshotAsync($"team-week-{team}");
        await session.AssertCleanAsync();
    }
}
