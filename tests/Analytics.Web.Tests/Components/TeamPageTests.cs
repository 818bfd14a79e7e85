using AngleSharp.Dom;
using Analytics.Web.Components.Pages;
using Analytics.Web.Utils;
using Bunit;
using static Analytics.Web.Tests.Components.AppComponents;

namespace Analytics.Web.Tests.Components;

/// <summary>
/// The team page rendered by bUnit over the real store: the cards equal DoraQueries for the team and the
/// window the page reports, and the drill-down tabs list exactly the rows behind those figures
/// (DoraDrillDown, at most <see cref="DoraDrillDown.DefaultLimit"/> each).
/// </summary>
[Collection(AnalyticsAppCollection.Name)]
public sealed class TeamPageTests(AnalyticsAppFixture app)
{
    private const int Limit = DoraDrillDown.DefaultLimit;

    private DoraQueries Queries => app.Services.GetRequiredService<DoraQueries>();

    private DoraDrillDown DrillDown => app.Services.GetRequiredService<DoraDrillDown>();

    [Fact]
    public async Task Cards_show_the_teams_figures_as_Figures_writes_them()
    {
        var team = await BusiestTeamAsync(Period.DefaultDays, summary => summary.DeploymentFrequency.Deployments <= Limit);
        await using var context = NewContext(app);
        var page = RenderTeam(context, team, $"/teams/{team}");

        Assert.Equal($"Team {team}", page.Find("h1").TextContent.Trim());
        var window = WindowOf(page);
        Assert.Equal(Period.DefaultDays, (window.To - window.From).TotalDays);
        var expected = await ExpectedAsync(team, window);
        Assert.Equal(team, expected.Team);
        Assert.True(expected.DeploymentFrequency.Deployments > 0, $"{team} has no deployments in {window}");

        var figures = OverviewText.FiguresOf(expected);
        var tiers = OverviewText.TiersOf(expected);
        Assert.Equal(OverviewText.KeyCards, page.FindAll(".key-grid > [data-testid]")
            .Select(card => card.GetAttribute("data-testid")));
        foreach (var card in OverviewText.KeyCards)
        {
            var element = page.Find($"[data-testid={card}]");
            Assert.Equal(figures[card], element.QuerySelector("[data-testid=figure]")!.TextContent.Trim());
            Assert.Equal(tiers.TryGetValue(card, out var tier) ? [tier] : [], element.QuerySelectorAll("[data-tier]").Select(badge => badge.GetAttribute("data-tier")));
        }
        // The team's figures, not the organisation's: the organisation deploys more than any one team.
        var organisation = (await Queries.SummariesAsync(new DoraRequest(window.From, window.To))).Organisation;
        Assert.NotEqual(OverviewText.FiguresOf(organisation)["deployment-frequency"], figures["deployment-frequency"]);
        Assert.StartsWith($"{expected.ChangeFailureRate.FailedDeployments} of {expected.ChangeFailureRate.Deployments} deployments caused a failure",
            OverviewText.Normalise(page.Find("[data-testid=change-failure-rate] p").TextContent));
    }

    [Fact]
    public async Task Deployments_tab_lists_every_deployment_behind_the_figure_and_marks_the_failed_ones()
    {
        var team = await BusiestTeamAsync(Period.DefaultDays, summary => summary.DeploymentFrequency.Deployments <= Limit);
        await using var context = NewContext(app);
        var page = RenderTeam(context, team, $"/teams/{team}");
        var window = WindowOf(page);
        var expected = await ExpectedAsync(team, window);
        var deployments = expected.DeploymentFrequency.Deployments;
        Assert.InRange(deployments, 26, Limit); // more than a page, and not cut at the limit
        Assert.True(expected.ChangeFailureRate.FailedDeployments > 0, $"{team} has no failed deployment in {window}");

        Assert.Equal($"Deployments ({deployments})", TabLabels(page)[0]);
        Assert.Equal("true", page.Find("[data-testid=drill-down] [role=tab]").GetAttribute("aria-selected"));

        var rows = page.ReadAllPages("deployments");
        Assert.Equal(deployments, rows.Count);
        var ids = rows.Select(cells => cells[0]).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        var failedOnPage = rows.Count(cells => cells[4].StartsWith("yes", StringComparison.Ordinal));
        Assert.Equal(expected.ChangeFailureRate.FailedDeployments, failedOnPage);
        Assert.All(rows, cells => Assert.True(cells[4] == "no" || cells[4].StartsWith("yes: ", StringComparison.Ordinal), $"'{cells[4]}' is neither 'no' nor 'yes: evidence'"));

        // The same rows in the same order as the drill-down query (newest first), and every one the team's.
        var drill = await DrillDown.DeploymentsAsync(new DoraRequest(window.From, window.To, team));
        Assert.Equal(drill.Select(row => row.DeploymentId), ids);
        Assert.All(drill, row => Assert.Equal(team, row.Team));
        Assert.Equal(expected.ChangeFailureRate.FailedDeployments, drill.Count(row => row.CausedFailure));
        Assert.Equal(expected.ReworkRate.ReworkDeployments, drill.Count(row => row.Kind is "hotfix" or "rollback" or "revert"));
    }

    [Fact]
    public async Task Incidents_tab_counts_the_incidents_resolved_in_the_period_and_those_still_open()
    {
        // A team with an incident still open at the end, so both states are counted.
        var window = DefaultWindow();
        var request = new DoraRequest(window.From, window.To);
        var summaries = (await Queries.SummariesAsync(request)).Teams;
        var team = summaries.Where(summary => summary.RecoveryTime.Open > 0 && summary.RecoveryTime.Resolved > 0)
            .Select(summary => summary.Team).FirstOrDefault();
        Assert.True(team is not null, $"no team has both resolved and open incidents in {window}");

        await using var context = NewContext(app);
        var page = RenderTeam(context, team, $"/teams/{team}");
        Assert.Equal(window, WindowOf(page));
        var expected = await ExpectedAsync(team, window);
        var incidents = await DrillDown.IncidentsAsync(new DoraRequest(window.From, window.To, team));
        var total = expected.RecoveryTime.Resolved + expected.RecoveryTime.Open;
        Assert.Equal(total, incidents.Count);
        Assert.Equal($"Incidents ({total})", TabLabels(page)[2]);

        page.FindAll("[data-testid=drill-down] [role=tab]")[2].Click();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=incidents]")), RenderTimeout);
        Assert.Empty(page.FindAll("[data-testid=deployments]"));
        var rows = page.ReadAllPages("incidents");
        Assert.Equal(incidents.Select(row => row.IncidentId), rows.Select(cells => cells[0].Split(' ')[0]));
        Assert.Equal(expected.RecoveryTime.Open, rows.Count(cells => cells[3] == "open"));
        Assert.Equal(expected.RecoveryTime.Resolved, rows.Count(cells => cells[3] == "resolved"));
    }

    [Fact]
    public async Task A_hand_written_period_sets_the_window_the_picker_and_every_tab()
    {
        await using var context = NewContext(app);
        var team = await BusiestTeamAsync(45, summary => summary.DeploymentFrequency.Deployments <= Limit && summary.LeadTime.Changes + summary.LeadTime.Excluded <= Limit);
        var page = RenderTeam(context, team, $"/teams/{team}?days=45");

        var window = WindowOf(page);
        Assert.Equal(45, (window.To - window.From).TotalDays);
        Assert.Equal("Last 45 days", page.Find("[data-testid=period] .rz-dropdown-label").TextContent.Trim());
        var expected = await ExpectedAsync(team, window);
        Assert.Equal(OverviewText.FiguresOf(expected)["deployment-frequency"], page.Find("[data-testid=deployment-frequency] [data-testid=figure]").TextContent.Trim());

        var changes = expected.LeadTime.Changes + expected.LeadTime.Excluded;
        // The demo's pull requests name no issue keys, so its Issues tab is empty (IssuesTabTests fills one).
        var issues = (await DrillDown.IssuesAsync(new DoraRequest(window.From, window.To, team), DoraDrillDown.MaxLimit)).Select(row => row.IssueKey).Distinct().Count();
        Assert.Equal(
            [$"Deployments ({expected.DeploymentFrequency.Deployments})", $"Changes ({changes})", $"Incidents ({expected.RecoveryTime.Resolved + expected.RecoveryTime.Open})", $"Issues ({issues})"],
            TabLabels(page));
        // 90 days would list more: the tabs follow the period too.
        var ninety = await ExpectedAsync(team, (window.To.AddDays(-90), window.To));
        Assert.True(ninety.DeploymentFrequency.Deployments > expected.DeploymentFrequency.Deployments);
    }

    [Fact]
    public async Task A_long_list_pages_on_the_server_and_its_tab_counts_every_row()
    {
        var window = DefaultWindow();
        var summaries = (await Queries.SummariesAsync(new DoraRequest(window.From, window.To))).Teams;
        var team = summaries.MaxBy(summary => summary.LeadTime.Changes + summary.LeadTime.Excluded)!;
        var changes = team.LeadTime.Changes + team.LeadTime.Excluded;
        Assert.True(changes > Limit, $"no team has more than {Limit} changes in {window}; the demo should");

        await using var context = NewContext(app);
        var page = RenderTeam(context, team.Team, $"/teams/{team.Team}");
        Assert.Equal(window, WindowOf(page));

        // The tab counts every change behind the card, not the rows the page carries.
        Assert.Equal($"Changes ({changes})", TabLabels(page)[1]);
        Assert.Equal($"Deployments ({team.DeploymentFrequency.Deployments})", TabLabels(page)[0]);

        // The last page is read from the server: the slowest-first list's last rows, beyond any row the page came with.
        page.FindAll("[data-testid=drill-down] [role=tab]")[1].Click();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=changes]")), RenderTimeout);
        page.Find("[data-testid=changes] .rz-pager-last").Click();
        var last = await DrillDown.ChangePageAsync(new DoraRequest(window.From, window.To, team.Team), (int)((changes - 1) / 25 * 25), 25);
        Assert.Equal(changes, last.Total);
        page.WaitForAssertion(() => Assert.Equal(last.Rows.Select(row => row.Sha[..Math.Min(10, row.Sha.Length)]),
            page.FindAll("[data-testid=changes] tbody tr.rz-data-row td:first-child code").Select(code => code.TextContent)), RenderTimeout);
    }

    [Fact]
    public async Task The_page_carries_the_first_page_of_each_grid_not_every_row_of_the_period()
    {
        var window = DefaultWindow();
        var summaries = (await Queries.SummariesAsync(new DoraRequest(window.From, window.To))).Teams;
        var team = summaries.MaxBy(summary => summary.LeadTime.Changes + summary.LeadTime.Excluded)!.Team;
        var request = new DoraRequest(window.From, window.To, team);

        // What the page persists for the interactive render: the open grid's first page, and each grid's total.
        var tiers = app.Services.GetRequiredService<Analytics.Web.Queries.DoraTierChoice>().Configured;
        var view = await app.Services.GetRequiredService<Analytics.Web.Queries.TeamPageQueries>().LoadAsync(team, Period.DefaultDays, tiers);
        Assert.NotNull(view.Rows);
        Assert.Equal((await DrillDown.DeploymentsAsync(request, 25)).Select(row => row.DeploymentId), view.Rows.Deployments.Rows.Select(row => row.DeploymentId));
        Assert.Empty(view.Rows.Changes!.Rows);
        Assert.Empty(view.Rows.Incidents.Rows);
        Assert.Equal((await DrillDown.ChangePageAsync(request, 0, 1)).Total, view.Rows.ChangesTotal);
        Assert.Equal((await DrillDown.IncidentPageAsync(request, 0, 1)).Total, view.Rows.Incidents.Total);
        Assert.True(view.Rows.ChangesTotal > Limit);

        // The page as a browser gets it: its persisted state (encrypted, so only its size can be read) is smaller than the
        // 500 change rows alone it used to carry (besides 500 deployments and the incidents).
        var html = await app.Http.GetStringAsync($"teams/{team}");
        var state = System.Text.RegularExpressions.Regex.Match(html, "<!--Blazor-Server-Component-State:(.*?)-->", System.Text.RegularExpressions.RegexOptions.Singleline);
        Assert.True(state.Success, "the page persists no state: the test would prove nothing");
        var changeRows = System.Text.Json.JsonSerializer.Serialize(await DrillDown.ChangesAsync(request));
        Assert.True(state.Groups[1].Length < changeRows.Length, $"the team page's persisted state is {state.Groups[1].Length} characters; the 500 change rows alone are {changeRows.Length}");
    }

    [Fact]
    public async Task Unassigned_is_a_team_with_cards_and_empty_lists()
    {
        await using var context = NewContext(app);
        var page = RenderTeam(context, TeamAttribution.Unassigned, $"/teams/{TeamAttribution.Unassigned}");

        var expected = await ExpectedAsync(TeamAttribution.Unassigned, WindowOf(page));
        foreach (var (card, figure) in OverviewText.FiguresOf(expected))
        {
            Assert.Equal(figure, page.Find($"[data-testid={card}] [data-testid=figure]").TextContent.Trim());
        }
        Assert.Equal(
            [$"Deployments ({expected.DeploymentFrequency.Deployments})", $"Changes ({expected.LeadTime.Changes + expected.LeadTime.Excluded})", $"Incidents ({expected.RecoveryTime.Resolved + expected.RecoveryTime.Open})", "Issues (0)"],
            TabLabels(page));
    }

    [Theory]
    [InlineData("no-such-team")]
    [InlineData("Checkout")] // slugs are case-sensitive
    public async Task An_unknown_team_shows_the_error_and_no_cards(string team)
    {
        await using var context = NewContext(app);
        context.RenderInteractively();
        context.NavigateTo($"/teams/{team}");
        var page = context.Render<TeamPage>(parameters => parameters.Add(component => component.Team, team));
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=error]")), RenderTimeout);

        Assert.Contains($"'{team}'", page.Find("[data-testid=error]").TextContent);
        Assert.Empty(page.FindAll("[data-testid=figure]"));
        Assert.Empty(page.FindAll("[data-testid=window]"));
        Assert.Empty(page.FindAll("[data-testid=drill-down]"));
        Assert.Empty(page.FindAll(".rz-progressbar-circular"));
    }

    [Fact]
    public async Task The_team_page_lists_its_services_rows_which_add_up_to_the_teams_figures()
    {
        var team = await BusiestTeamAsync(Period.DefaultDays, _ => true);
        await using var context = NewContext(app);
        var page = RenderTeam(context, team, $"/teams/{team}");
        var window = WindowOf(page);
        var services = (await Queries.SummariesAsync(new DoraRequest(window.From, window.To, team) { By = DoraBreakdown.Service })).Teams;
        var expected = await ExpectedAsync(team, window);

        Assert.Contains("Services", page.FindAll("h2").Select(h => h.TextContent.Trim()));
        var rows = page.FindAll("[data-testid=teams] tbody tr").Select(row => row.QuerySelectorAll("td").Select(cell => OverviewText.Normalise(cell.TextContent)).ToArray()).ToList();
        Assert.NotEmpty(services);
        Assert.Equal(services.Select(service => service.Team), rows.Select(cells => cells[0]));
        Assert.All(rows.Zip(services), pair => Assert.EndsWith($"n={pair.Second.DeploymentFrequency.Deployments}", pair.First[1]));
        Assert.Equal(expected.DeploymentFrequency.Deployments, services.Sum(service => service.DeploymentFrequency.Deployments));
        Assert.Equal(expected.LeadTime.Changes, services.Sum(service => service.LeadTime.Changes));
    }

    [Fact]
    public async Task The_lead_time_unit_in_the_url_picks_the_teams_figure_per_pull_request_and_the_toggle_links_back()
    {
        var team = await BusiestTeamAsync(Period.DefaultDays, summary => summary.LeadTime.Changes > 0);
        await using var context = NewContext(app);
        var page = RenderTeam(context, team, $"/teams/{team}?days=180&leadTimeUnit=pull-request");
        var window = WindowOf(page);
        var result = await Queries.SummariesAsync(new DoraRequest(window.From, window.To, team) { LeadTimeUnit = LeadTimeUnit.PullRequest });
        var expected = (result.Teams.SingleOrDefault() ?? result.Organisation).LeadTime;
        var perCommit = (await ExpectedAsync(team, window)).LeadTime;

        Assert.Equal(LeadTimeUnit.PullRequest, expected.Unit);
        Assert.NotEqual(perCommit.Changes, expected.Changes); // else seeing the right n proves nothing
        Assert.Equal(Figures.Duration(expected.Median), page.Find("[data-testid=lead-time] [data-testid=figure]").TextContent.Trim());
        Assert.StartsWith($"n = {expected.Changes} pull requests;", OverviewText.Normalise(page.Find("[data-testid=lead-time] p").TextContent));
        Assert.Equal(DashboardUrls.TeamUrl(team, 180, null, LeadTimeUnit.Commit), page.Find($"a[data-testid=lead-time-unit-{LeadTimeUnit.Commit}]").GetAttribute("href"));
    }

    [Fact]
    public async Task Under_lead_time_per_pull_request_the_changes_tab_lists_the_pull_requests_behind_the_figure()
    {
        var window = DefaultWindow();
        var perPullRequest = (await Queries.SummariesAsync(new DoraRequest(window.From, window.To) { LeadTimeUnit = LeadTimeUnit.PullRequest })).Teams;
        // More than one grid page (25 rows), and the fewest such, so reading every page stays short.
        var summary = perPullRequest.Where(s => s.Team != TeamAttribution.Unassigned && s.LeadTime.Changes + s.LeadTime.Excluded > 25)
            .MinBy(s => s.LeadTime.Changes + s.LeadTime.Excluded);
        Assert.True(summary is not null, "no team has more than 25 pull requests in the window: the demo store cannot show paging");
        var team = summary.Team;
        var n = summary.LeadTime.Changes + summary.LeadTime.Excluded;
        var perCommit = (await ExpectedAsync(team, window)).LeadTime;
        Assert.NotEqual(perCommit.Changes + perCommit.Excluded, n); // else the right count proves nothing

        await using var context = NewContext(app);
        var page = RenderTeam(context, team, $"/teams/{team}?leadTimeUnit=pull-request");
        Assert.Equal(window, WindowOf(page));

        Assert.Equal($"Changes ({n})", TabLabels(page)[1]);
        page.FindAll("[data-testid=drill-down] [role=tab]")[1].Click();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=changes]")), RenderTimeout);
        Assert.Equal(["Repository", "Pull request", "First commit (UTC)", "Merged (UTC)", "First shipped by", "Lead time"],
            page.FindAll("[data-testid=changes] thead th").Select(th => OverviewText.Normalise(th.TextContent)).Where(text => text.Length > 0));
        var rows = page.ReadAllPages("changes");
        var expected = await DrillDown.PullRequestChangePageAsync(new DoraRequest(window.From, window.To, team), 0, 1000);
        Assert.Equal(n, expected.Total);
        Assert.Equal(expected.Rows.Select(row => $"{row.Repository} #{row.Number}"), rows.Select(cells => $"{cells[0]} {cells[1].Split(' ')[0]}"));
        Assert.Equal(summary.LeadTime.Excluded, rows.Count(cells => cells[5].StartsWith("excluded", StringComparison.Ordinal)));
    }

    private static (DateTimeOffset From, DateTimeOffset To) DefaultWindow()
    {
        var period = Period.Resolve(null, null, null, TimeProvider.System);
        return (period.From, period.To);
    }

    private static IReadOnlyList<string> TabLabels(IRenderedComponent<TeamPage> page) =>
        [.. page.FindAll("[data-testid=drill-down] [role=tab] .rz-tabview-title").Select(title => title.TextContent.Trim())];

    /// <summary>The catalog team with the most deployments in the last <paramref name="days"/> days among those <paramref name="fits"/> accepts.</summary>
    private async Task<string> BusiestTeamAsync(int days, Func<DoraSummary, bool> fits)
    {
        var period = Period.Resolve(null, null, days, TimeProvider.System);
        var teams = (await Queries.SummariesAsync(new DoraRequest(period.From, period.To))).Teams;
        var team = teams.Where(summary => summary.Team != TeamAttribution.Unassigned && fits(summary)).MaxBy(summary => summary.DeploymentFrequency.Deployments);
        Assert.True(team is not null, $"no team of the demo fits the test in the last {days} days");
        return team.Team;
    }

    private async Task<DoraSummary> ExpectedAsync(string team, (DateTimeOffset From, DateTimeOffset To) window)
    {
        var result = await Queries.SummariesAsync(new DoraRequest(window.From, window.To, team));
        return result.Teams.SingleOrDefault() ?? result.Organisation with { Team = team };
    }
}
