using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Analytics.Web.Tests.Browser.DashboardPages;

namespace Analytics.Web.Tests.Browser;

/// <summary>
/// The team page in a real browser against the real host: reached from the overview's teams grid, its cards
/// equal the API's, its tabs list the rows behind the figures, and a hand-written period survives a reload.
/// Screenshots go to artifacts/screenshots/team-*.png.
/// </summary>
[Collection(AnalyticsAppCollection.Name)]
public sealed class TeamBrowserTests(AnalyticsAppFixture app, BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_interactive_render_shows_the_prerendered_figures_without_querying_the_store_again()
    {
        var team = (await app.Http.GetDoraAsync()).Teams.OrderByDescending(summary => summary.DeploymentFrequency.Deployments).First().Team;
        using var loads = new TeamPageLoadCounter(team);

        // The circuit's render took the persisted view instead of querying again: no ClickHouse call besides the prerender's.
        await using var session = await PersistedRender.AssertTheCircuitDoesNotQueryAgainAsync(browser, app, $"/teams/{team}?days=30");
        var page = session.Page;
        await page.Locator("[data-testid=drill-down]").WaitForAsync(new() { Timeout = TimeoutMs });

        // Two GETs of the page (the helper's) and the browser's prerender each loaded the view once; the circuit did not.
        Assert.Equal(3, loads.Count);
        var window = await WindowAsync(page);
        await AssertCardsShowAsync(page, await app.Http.GetTeamDoraAsync(team, window.From, window.To));

        // A new period is a new view: the circuit queries for it, once.
        var before = await page.Locator("[data-testid=window]").InnerTextAsync();
        var list = await OpenPeriodDropdownAsync(page);
        await list.Locator("[role=option][aria-label='Last 180 days']").ClickAsync();
        await page.WaitForURLAsync(new Regex(@"days=180$"), new() { Timeout = TimeoutMs });
        await Assertions.Expect(page.Locator("[data-testid=window]")).Not.ToHaveTextAsync(before, new() { Timeout = TimeoutMs });
        Assert.Equal(4, loads.Count);
        await session.AssertCleanAsync();
    }

    [Fact]
    public async Task A_team_link_on_the_overview_opens_the_teams_figures_and_the_rows_behind_them()
    {
        await using var session = await OpenAsync(browser, app, "/");
        var page = session.Page;
        var overviewWindow = await WindowAsync(page);
        var team = await TeamWithIncidentsAsync(overviewWindow);

        await page.Locator("[data-testid=teams] tbody tr td:first-child a").GetByText(team, new() { Exact = true }).ClickAsync();

        await page.WaitForURLAsync(new Regex($@"/teams/{Regex.Escape(team)}\?days=90$"), new() { Timeout = TimeoutMs });
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync($"Team {team}", new() { Timeout = TimeoutMs });
        await page.Locator("[data-testid=drill-down]").WaitForAsync(new() { Timeout = TimeoutMs });
        await WaitForFiguresAsync(page);
        Assert.Equal($"{team} — engineering metrics", await page.TitleAsync());
        Assert.Equal("Last 90 days", (await PeriodLabel(page).InnerTextAsync()).Trim());
        await AssertOrganisationLinkIsNotCurrentAsync(page);

        var window = await WindowAsync(page);
        Assert.Equal(overviewWindow, window);
        var api = await app.Http.GetTeamDoraAsync(team, window.From, window.To);
        await AssertCardsShowAsync(page, api);
        // The cards are laid out side by side by DoraKeyCards' scoped CSS, not stacked as unstyled blocks.
        Assert.Equal("grid", await page.Locator(".key-grid").EvaluateAsync<string>("grid => getComputedStyle(grid).display"));

        // The Deployments tab is open and lists the deployments behind the figure, newest first.
        var request = new DoraRequest(window.From, window.To, team);
        var drillDown = app.Services.GetRequiredService<DoraDrillDown>();
        var deployments = await drillDown.DeploymentsAsync(request);
        var issues = await drillDown.IssuesAsync(request);
        var tabs = page.Locator("[data-testid=drill-down] [role=tab]");
        await Assertions.Expect(tabs).ToHaveTextAsync(
            [Exactly($"Deployments ({api.DeploymentFrequency.Deployments})"), new Regex(@"^Changes \(\d+( of \d+)?\)$"), Exactly($"Incidents ({api.RecoveryTime.Resolved + api.RecoveryTime.Open})"), Exactly($"Issues ({issues.Count})")]);
        await Assertions.Expect(tabs.Nth(0)).ToHaveAttributeAsync("aria-selected", "true");
        Assert.Equal(api.DeploymentFrequency.Deployments, deployments.Count);
        var deploymentRows = page.Locator("[data-testid=deployments] tbody tr.rz-data-row");
        await Assertions.Expect(deploymentRows).ToHaveCountAsync(Math.Min(25, deployments.Count));
        var firstDeployment = deploymentRows.First.Locator("td").First.Locator("a");
        await Assertions.Expect(firstDeployment).ToHaveTextAsync(deployments[0].DeploymentId);
        Assert.Equal(deployments[0].Url, await firstDeployment.GetAttributeAsync("href"));
        Assert.Equal("_blank", await firstDeployment.GetAttributeAsync("target"));
        await session.ScreenshotAsync($"team-{team}");

        // Switching to the Incidents tab shows the incidents, newest first.
        var incidents = await drillDown.IncidentsAsync(request);
        await tabs.Nth(2).ClickAsync();
        await Assertions.Expect(tabs.Nth(2)).ToHaveAttributeAsync("aria-selected", "true");
        await Assertions.Expect(tabs.Nth(0)).ToHaveAttributeAsync("aria-selected", "false");
        await Assertions.Expect(page.Locator("[data-testid=drill-down] li.rz-tabview-selected")).ToHaveTextAsync(Exactly($"Incidents ({api.RecoveryTime.Resolved + api.RecoveryTime.Open})"));
        var incidentRows = page.Locator("[data-testid=incidents] tbody tr.rz-data-row");
        await Assertions.Expect(incidentRows).ToHaveCountAsync(Math.Min(25, incidents.Count));
        Assert.True(incidents.Count > 0);
        await Assertions.Expect(incidentRows.First.Locator("td").First).ToContainTextAsync(incidents[0].IncidentId);
        await Assertions.Expect(page.Locator("[data-testid=deployments]")).ToBeHiddenAsync();
        await session.ScreenshotAsync($"team-{team}-incidents");

        await session.AssertCleanAsync();
    }

    [Fact]
    public async Task A_hand_written_period_is_named_in_the_dropdown_and_survives_a_reload()
    {
        var team = await TeamWithIncidentsAsync(DefaultWindow());
        await using var session = await OpenAsync(browser, app, $"/teams/{team}?days=45");
        var page = session.Page;

        await Assertions.Expect(PeriodLabel(page)).ToHaveTextAsync("Last 45 days");
        var window = await WindowAsync(page);
        Assert.Equal(45, (window.To - window.From).TotalDays);
        var api = await app.Http.GetTeamDoraAsync(team, window.From, window.To);
        await AssertCardsShowAsync(page, api);
        var ninetyDays = await app.Http.GetTeamDoraAsync(team, window.To.AddDays(-90), window.To);
        Assert.NotEqual(ninetyDays.DeploymentFrequency.Deployments, api.DeploymentFrequency.Deployments);
        var before = await FiguresAsync(page);

        await page.ReloadAsync();
        await WaitUntilInteractiveAsync(page);

        Assert.Matches(new Regex($@"/teams/{Regex.Escape(team)}\?days=45$"), page.Url);
        await Assertions.Expect(PeriodLabel(page)).ToHaveTextAsync("Last 45 days");
        Assert.Equal(window, await WindowAsync(page));
        Assert.Equal(before, await FiguresAsync(page));
        await Assertions.Expect(page.Locator("[data-testid=drill-down] [role=tab]").First).ToHaveTextAsync($"Deployments ({api.DeploymentFrequency.Deployments})");
        // The list names the hand-written period and marks it chosen, after the standard ones.
        var list = await OpenPeriodDropdownAsync(page);
        var options = list.Locator("[role=option]");
        await Assertions.Expect(options).ToHaveTextAsync(["Last 30 days", "Last 90 days", "Last 180 days", "Last 365 days", "Last 45 days"]);
        await Assertions.Expect(list.Locator("[role=option][aria-label='Last 45 days']")).ToHaveAttributeAsync("aria-selected", "true");
        await ClosePeriodDropdownAsync(page, list);
        await session.ScreenshotAsync($"team-{team}-45-days");
        await session.AssertCleanAsync();
    }

    [Fact]
    public async Task An_unknown_team_answers_404_with_a_page_that_names_it_and_links_the_teams_there_are()
    {
        const string path = "/teams/no-such-team?days=45";
        await using var session = await OpenAsync(browser, app, path, interactive: false, expectedStatus: 404);
        var page = session.Page;

        await Assertions.Expect(page.Locator("[data-testid=error]")).ToContainTextAsync("There is no team 'no-such-team' in the catalog.");
        await Assertions.Expect(page.Locator("[data-testid=figure]")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("[data-testid=drill-down]")).ToHaveCountAsync(0);
        var teams = await app.Services.GetRequiredService<Analytics.Storage.Catalog.CatalogLookups>().TeamSlugsAsync();
        await Assertions.Expect(page.Locator("[data-testid=known-teams] a[href^='teams/']")).ToHaveCountAsync(teams.Count);
        await session.ScreenshotAsync("team-unknown");
        await session.AssertCleanAsync(notFound: path);

        // The links keep the reader's period and open a real team page.
        await page.Locator("[data-testid=known-teams] a").GetByText(teams[0], new() { Exact = true }).ClickAsync();
        await page.WaitForURLAsync(new Regex($@"/teams/{Regex.Escape(teams[0])}\?days=45$"), new() { Timeout = TimeoutMs });
        await WaitForFiguresAsync(page);
    }

    [Fact]
    public async Task Error_page_is_served_statically_and_loads_cleanly()
    {
        await using var session = await OpenAsync(browser, app, "/error", interactive: false);
        var page = session.Page;

        Assert.Equal("Error — engineering metrics", await page.TitleAsync());
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Something went wrong");
        await Assertions.Expect(page.Locator("h1 + p")).ToContainTextAsync("The request could not be completed. The server log has the details");
        await AssertOrganisationLinkIsNotCurrentAsync(page);
        await session.ScreenshotAsync("error-page");
        await session.AssertCleanAsync();
    }

    /// <summary>The header's Organisation link is there, and does not claim to be the page shown.</summary>
    private static async Task AssertOrganisationLinkIsNotCurrentAsync(IPage page)
    {
        var link = page.Locator(".header-link[href='/']");
        await Assertions.Expect(link).ToHaveTextAsync("Organisation");
        await Assertions.Expect(link).Not.ToHaveAttributeAsync("aria-current", "page");
    }

    private static Regex Exactly(string text) => new($"^{Regex.Escape(text)}$");

    private static (DateTimeOffset From, DateTimeOffset To) DefaultWindow()
    {
        var period = Analytics.Web.Utils.Period.Resolve(null, null, null, TimeProvider.System);
        return (period.From, period.To);
    }

    /// <summary>
    /// A catalog team with incidents and with its deployments under the drill-down's limit in the window, so its
    /// Deployments tab counts all of them; the first such team in the API's (alphabetical) order.
    /// </summary>
    private async Task<string> TeamWithIncidentsAsync((DateTimeOffset From, DateTimeOffset To) window)
    {
        var all = await app.Http.GetDoraAsync(window.From, window.To);
        var team = all.Teams.FirstOrDefault(summary => summary.Team != TeamAttribution.Unassigned
            && summary.DeploymentFrequency.Deployments is > 0 and <= DoraDrillDown.DefaultLimit
            && summary.RecoveryTime.Resolved + summary.RecoveryTime.Open > 0);
        Assert.True(team is not null, $"no team of the demo has incidents and at most {DoraDrillDown.DefaultLimit} deployments in {window}");
        return team.Team;
    }
}
