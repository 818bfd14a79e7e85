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

        // The bars are the weekly series' drawn buckets in order (not a week with under half its days in the window);
        // pick a whole week with deployments.
        var series = (await app.Services.GetRequiredService<DoraQueries>().SeriesAsync(new DoraRequest(window.From, window.To, team), Granularity.Week))
            .Where(point => point.Team == team && point.Drawn).ToList();
        var index = series.FindIndex(point => !point.Partial && point.Deployments > 0);
        Assert.True(index >= 0, $"{team} has no whole week with a deployment in {window}");
        var week = series[index];
        var bars = page.Locator("[data-testid=deployments-chart] .rz-column-series path");
        await Assertions.Expect(bars).ToHaveCountAsync(series.Count);

        var from = week.Bucket.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var to = week.Bucket.AddDays(7).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var weekUrl = new Regex($@"/teams/{Regex.Escape(team)}\?from={from}&to={to}$");
        // A click before the page's circuit is up does nothing (the bars are prerendered), as for a reader who clicks
        // that early; on a loaded machine that can last seconds, so a bar that has not navigated is clicked again.
        for (var attempt = 1; ; attempt++)
        {
            await bars.Nth(index).ClickAsync();
            try
            {
                await page.WaitForURLAsync(weekUrl, new() { Timeout = attempt < 3 ? 10_000 : TimeoutMs });
                break;
            }
            catch (TimeoutException) when (attempt < 3)
            {
            }
        }
        // The address changes before the page's content does (enhanced navigation): wait for the new window to show.
        await Assertions.Expect(page.Locator("[data-testid=window]")).ToContainTextAsync(from, new() { Timeout = TimeoutMs });
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

    [Fact]
    public async Task A_keyboard_reaches_each_chart_its_table_the_grids_and_through_the_table_a_weeks_rows()
    {
        var team = (await app.Http.GetDoraAsync()).Teams.OrderByDescending(summary => summary.DeploymentFrequency.Deployments).First().Team;
        await using var session = await OpenAsync(browser, app, $"/teams/{team}?days=30");
        var page = session.Page;
        await page.Locator("[data-testid=drill-down]").WaitForAsync(new() { Timeout = TimeoutMs });

        // Tab through the page from the top: the charts and the drill-down grid take the focus on the way.
        var reached = new HashSet<string>();
        await page.Locator("h1").ClickAsync();
        for (var i = 0; i < 400 && !(reached.Contains("deployments-figure") && reached.Contains("deployments-grid")); i++)
        {
            await page.Keyboard.PressAsync("Tab");
            var where = await page.EvaluateAsync<string?>(
                "() => { const a = document.activeElement; if (!a) return null; if (a.closest('[data-testid=deployments]')) return 'deployments-grid'; return a.getAttribute('data-testid'); }");
            if (where is not null)
            {
                reached.Add(where);
            }
        }
        Assert.Contains("deployments-figure", reached);
        Assert.Contains("deployments-grid", reached);

        // The chart's table: opened with the keyboard, its first week's link followed with Enter.
        var summary = page.Locator("[data-testid=deployments-details] summary");
        await summary.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        var link = page.Locator("[data-testid=deployments-data] a[data-testid=point-link]").First;
        await Assertions.Expect(link).ToBeVisibleAsync();
        var href = await link.GetAttributeAsync("href");
        Assert.Matches(new Regex($@"^teams/{Regex.Escape(team)}\?from=\d{{4}}-\d{{2}}-\d{{2}}&to=\d{{4}}-\d{{2}}-\d{{2}}$"), href);
        await link.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(new Regex(Regex.Escape(href!) + "$"), new() { Timeout = TimeoutMs });
        await WaitForFiguresAsync(page);
        await page.Locator("[data-testid=drill-down]").WaitForAsync(new() { Timeout = TimeoutMs });
        await session.AssertCleanAsync();
    }
}
