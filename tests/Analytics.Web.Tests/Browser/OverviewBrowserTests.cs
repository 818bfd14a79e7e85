using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Analytics.Web.Tests.Browser.DashboardPages;

namespace Analytics.Web.Tests.Browser;

/// <summary>
/// The overview page in a real browser against the real host: what a person sees equals what the API
/// says, the period choice lives in the URL, and the page loads cleanly. Screenshots go to
/// artifacts/screenshots/ under the repository root.
/// </summary>
[Collection(AnalyticsAppCollection.Name)]
public sealed class OverviewBrowserTests(AnalyticsAppFixture app, BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Overview_shows_the_apis_figures_written_the_same_way()
    {
        await using var session = await OpenAsync(browser, app, "/");

        Assert.Equal("Organisation — engineering metrics", await session.Page.TitleAsync());
        var window = await WindowAsync(session.Page);
        Assert.Equal(90, (window.To - window.From).TotalDays);
        var api = await app.Http.GetDoraAsync(window.From, window.To);
        await AssertCardsShowAsync(session.Page, api.Organisation);

        await session.ScreenshotAsync("overview");
        await session.AssertCleanAsync();
    }

    [Fact]
    public async Task The_interactive_render_shows_the_prerendered_figures_without_querying_the_store_again()
    {
        // By service: more rows than a page, of which the page carries only the first.
        await using var session = await PersistedRender.AssertTheCircuitDoesNotQueryAgainAsync(browser, app, "/?days=90&by=service");
        var page = session.Page;
        var window = await WindowAsync(page);
        await AssertCardsShowAsync(page, (await app.Http.GetDoraAsync(window.From, window.To)).Organisation);

        // Sorting and the next page need rows the page did not carry: the table reads every row and shows the API's,
        // sorted (a stable sort of the same order) and paged.
        var api = await app.Http.GetFromJsonAsync<Analytics.Web.Api.DoraBreakdownAnswer>(
            $"api/dora/breakdown?{DoraApiClient.Query(window.From, window.To)}&by=service", DoraApiClient.Json);
        var size = Analytics.Web.Components.Shared.TeamsTable.PageSize;
        Assert.True(api!.Rows.Count > 2 * size, $"{api.Rows.Count} service rows: fewer than two pages");
        var sorted = api.Rows.OrderBy(row => row.Figures.DeploymentFrequency.DeploymentsPerDay).Select(row => row.Unit).ToList();
        var names = page.Locator("[data-testid=teams] tbody tr td:first-child");
        await page.Locator("[data-testid=teams] th", new() { HasTextString = "Deployments / day" }).First.ClickAsync();
        await Assertions.Expect(names).ToHaveTextAsync(sorted.Take(size).ToArray(), new() { Timeout = TimeoutMs });
        await page.Locator("[data-testid=teams] .rz-pager-next").ClickAsync();
        await Assertions.Expect(names).ToHaveTextAsync(sorted.Skip(size).Take(size).ToArray(), new() { Timeout = TimeoutMs });
        await session.AssertCleanAsync();
    }

    [Fact]
    public async Task Teams_grid_lists_every_team()
    {
        await using var session = await OpenAsync(browser, app, "/");
        var window = await WindowAsync(session.Page);
        var api = await app.Http.GetDoraAsync(window.From, window.To);

        var rows = session.Page.Locator("[data-testid=teams] tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(api.Teams.Count, new() { Timeout = TimeoutMs });
        Assert.True(api.Teams.Count >= AnalyticsAppFixture.Scale.Teams, $"the API lists only {api.Teams.Count} teams");
        var names = (await rows.Locator("td:first-child").AllInnerTextsAsync()).Select(name => name.Trim());
        Assert.Equal(api.Teams.Select(team => team.Team), names);
        for (var i = 0; i < api.Teams.Count; i++)
        {
            var tiers = await rows.Nth(i).Locator("[data-tier]").EvaluateAllAsync<string[]>("badges => badges.map(b => b.getAttribute('data-tier'))");
            Assert.Equal(OverviewText.Cards.Select(card => OverviewText.TiersOf(api.Teams[i])[card]), tiers);
        }

        await session.Page.Locator("[data-testid=teams]").ScreenshotAsync(new() { Path = ScreenshotPath("overview-teams") });
        await session.AssertCleanAsync();
    }

    [Fact]
    public async Task The_breakdown_links_show_the_services_rows_and_a_new_period_keeps_the_breakdown()
    {
        await using var session = await OpenAsync(browser, app, "/");
        var page = session.Page;

        await page.Locator("[data-testid=breakdown] a", new() { HasTextString = "by service" }).ClickAsync();

        await page.WaitForURLAsync(new Regex(@"/\?days=90&by=service$"), new() { Timeout = TimeoutMs });
        await Assertions.Expect(page.Locator("[data-testid=breakdown] a[aria-current=page]")).ToHaveTextAsync("by service", new() { Timeout = TimeoutMs });
        var window = await WindowAsync(page);
        var api = await app.Http.GetFromJsonAsync<Analytics.Web.Api.DoraBreakdownAnswer>(
            $"api/dora/breakdown?{DoraApiClient.Query(window.From, window.To)}&by=service", DoraApiClient.Json);
        // More rows than a page: the first page shows, the pager says how many there are (TeamsTable.PageSize).
        var rows = page.Locator("[data-testid=teams] tbody tr");
        Assert.True(api!.Rows.Count > Analytics.Web.Components.Shared.TeamsTable.PageSize, $"{api.Rows.Count} service rows: fewer than a page");
        await Assertions.Expect(rows).ToHaveCountAsync(Analytics.Web.Components.Shared.TeamsTable.PageSize, new() { Timeout = TimeoutMs });
        await Assertions.Expect(page.Locator("[data-testid=teams]")).ToContainTextAsync($"({api.Rows.Count} items)", new() { Timeout = TimeoutMs });
        Assert.Equal(api.Rows.Take(Analytics.Web.Components.Shared.TeamsTable.PageSize).Select(row => row.Unit),
            (await rows.Locator("td:first-child").AllInnerTextsAsync()).Select(name => name.Trim()));

        var list = await OpenPeriodDropdownAsync(page);
        await list.Locator("[role=option][aria-label='Last 30 days']").ClickAsync();
        await page.WaitForURLAsync(new Regex(@"/\?days=30&by=service$"), new() { Timeout = TimeoutMs });
        await Assertions.Expect(page.Locator("[data-testid=breakdown] a[aria-current=page]")).ToHaveTextAsync("by service", new() { Timeout = TimeoutMs });
        await session.Page.Locator("[data-testid=teams]").ScreenshotAsync(new() { Path = ScreenshotPath("overview-by-service") });
        await session.AssertCleanAsync();
    }

    [Fact]
    public async Task Choosing_a_period_puts_days_in_the_url_and_survives_a_reload()
    {
        await using var session = await OpenAsync(browser, app, "/");
        var page = session.Page;
        var initial = await WindowAsync(page);

        var list = await OpenPeriodDropdownAsync(page);
        await list.Locator("[role=option][aria-label='Last 30 days']").ClickAsync();
        await Assertions.Expect(list).ToBeHiddenAsync(new() { Timeout = TimeoutMs });

        await page.WaitForURLAsync(new Regex(@"/\?days=30$"), new() { Timeout = TimeoutMs });
        var expectedWindow = (From: initial.To.AddDays(-30), initial.To);
        await Assertions.Expect(page.Locator("[data-testid=window]"))
            .ToContainTextAsync($"{expectedWindow.From:yyyy-MM-dd} to {expectedWindow.To.AddDays(-1):yyyy-MM-dd} (UTC)", new() { Timeout = TimeoutMs });
        await Assertions.Expect(PeriodLabel(page)).ToHaveTextAsync("Last 30 days");
        await WaitForFiguresAsync(page);
        var api = await app.Http.GetDoraAsync(expectedWindow.From, expectedWindow.To);
        await AssertCardsShowAsync(page, api.Organisation);
        var before = await FiguresAsync(page);
        var ninetyDays = await app.Http.GetDoraAsync(initial.From, initial.To);
        Assert.NotEqual(ninetyDays.Organisation.DeploymentFrequency.Deployments, api.Organisation.DeploymentFrequency.Deployments);
        await session.ScreenshotAsync("period-30-days");

        await page.ReloadAsync();
        await WaitUntilInteractiveAsync(page);

        Assert.Matches(new Regex(@"/\?days=30$"), page.Url);
        Assert.Equal(expectedWindow, await WindowAsync(page));
        await Assertions.Expect(PeriodLabel(page)).ToHaveTextAsync("Last 30 days");
        Assert.Equal(before, await FiguresAsync(page));
        // Still interactive after the reload: the dropdown opens and marks the chosen period.
        list = await OpenPeriodDropdownAsync(page);
        await Assertions.Expect(list.Locator("[role=option][aria-label='Last 30 days']")).ToHaveAttributeAsync("aria-selected", "true");
        await ClosePeriodDropdownAsync(page, list);
        await session.ScreenshotAsync("period-30-days-reloaded");
        await session.AssertCleanAsync();
    }

    [Fact]
    public async Task Page_loads_radzen_and_the_app_assets_without_errors()
    {
        // Opening waits for the circuit: the period dropdown opened, so Radzen's script answers.
        await using var session = await OpenAsync(browser, app, "/");
        await session.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        var responses = session.Probe.Responses;
        Assert.Contains(responses, response => IsAsset(response.Url, "/_content/Radzen.Blazor/", ".css") && response.Status == 200);
        Assert.Contains(responses, response => IsAsset(response.Url, "/_content/Radzen.Blazor/", ".js") && response.Status == 200);
        Assert.Contains(responses, response => IsAsset(response.Url, "/_framework/blazor.web", ".js") && response.Status == 200);
        Assert.Contains(responses, response => IsAsset(response.Url, "/app.", ".css") && response.Status == 200);
        Assert.Contains(responses, response => IsAsset(response.Url, "/analytics.", ".styles.css") && response.Status == 200);
        Assert.All(responses.Where(response => response.Url.Contains("/_content/Radzen.Blazor/", StringComparison.Ordinal)),
            response => Assert.True(response.Status is 200 or 304, $"HTTP {response.Status}: {response.Url}"));

        // The theme is applied, not merely fetched: its custom properties are defined and a badge is styled by it.
        var primary = await session.Page.EvaluateAsync<string>("() => getComputedStyle(document.documentElement).getPropertyValue('--rz-primary').trim()");
        Assert.False(string.IsNullOrEmpty(primary), "Radzen's theme variables are not defined: material-base.css did not apply.");
        var badgeRadius = await session.Page.Locator("[data-testid=deployment-frequency] [data-tier]").EvaluateAsync<string>("badge => getComputedStyle(badge).borderTopLeftRadius");
        Assert.NotEqual("0px", badgeRadius);

        await session.AssertCleanAsync();
    }

    private static bool IsAsset(string url, string pathPart, string ending)
    {
        var path = new Uri(url).AbsolutePath;
        return path.Contains(pathPart, StringComparison.Ordinal) && path.EndsWith(ending, StringComparison.Ordinal);
    }
}
