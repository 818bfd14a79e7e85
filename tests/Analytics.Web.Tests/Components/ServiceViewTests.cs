using System.Globalization;
using System.Net.Http.Json;
using System.Security.Claims;
using Analytics.Web.Api;
using Analytics.Web.Components.Pages;
using Analytics.Web.Security;
using Analytics.Web.Utils;
using Bunit;
using Bunit.TestDoubles;
using static Analytics.Web.Tests.Components.AppComponents;

namespace Analytics.Web.Tests.Components;

/// <summary>
/// The service view (/teams/{team}?service=…) rendered by bUnit over the real store, compared with the HTTP API of the
/// real host: its cards are the service's row of /api/dora/breakdown?by=service, its weekly charts /api/dora/series for
/// that service, its rows the service's only and only for the team's lead or an admin. And the lead-time unit in the
/// address (?leadTimeUnit=) reaches the weekly charts of the team page and of a dashboard, as it reaches /api/dora/series.
/// </summary>
[Collection(AnalyticsAppCollection.Name)]
public sealed class ServiceViewTests(AnalyticsAppFixture app)
{
    private const int Limit = DoraDrillDown.DefaultLimit;

    private DoraQueries Queries => app.Services.GetRequiredService<DoraQueries>();

    [Fact]
    public async Task The_service_views_cards_are_the_services_row_of_the_breakdown_api_and_its_charts_the_services_series()
    {
        var (team, service) = await BusyServiceAsync();
        await using var context = NewContext(app);
        var page = RenderTeam(context, team, DashboardUrls.TeamUrl(team, service: service));
        var window = WindowOf(page);

        var answer = await app.Http.GetFromJsonAsync<DoraBreakdownAnswer>($"api/dora/breakdown?{DoraApiClient.Query(window.From, window.To)}&by=service", DoraApiClient.Json);
        var expected = Assert.Single(answer!.Rows, row => row.Unit == service).Figures;
        var teamFigures = (await app.Http.GetTeamDoraAsync(team, window.From, window.To)).DeploymentFrequency.Deployments;
        Assert.True(expected.DeploymentFrequency.Deployments < teamFigures, $"{service} deploys as often as all of {team}: the test could not tell them apart");

        Assert.Equal($"Service {service}", page.Find("h1").TextContent.Trim());
        Assert.Equal(DashboardUrls.TeamUrl(team, Period.DefaultDays), page.Find("[data-testid=team-link]").GetAttribute("href"));
        var tiers = OverviewText.TiersOf(expected);
        foreach (var (card, figure) in OverviewText.FiguresOf(expected))
        {
            Assert.Equal(figure, page.Find($"[data-testid={card}] [data-testid=figure]").TextContent.Trim());
            Assert.Equal(tiers.TryGetValue(card, out var tier) ? [tier] : [], page.FindAll($"[data-testid={card}] [data-tier]").Select(badge => badge.GetAttribute("data-tier")));
        }
        // A service's page has no services table of its own.
        Assert.Empty(page.FindAll("[data-testid=teams]"));

        var series = await SeriesAsync(window, $"team={Uri.EscapeDataString(team)}&by=service&unit={Uri.EscapeDataString(service)}", service);
        Assert.Equal(expected.DeploymentFrequency.Deployments, series.Sum(point => point.Deployments));
        Assert.Equal(series.Select(point => Cells(point, point.Deployments)), ChartTable(page, "deployments"));
    }

    [Fact]
    public async Task The_team_pages_services_link_to_their_service_views_keeping_the_period_and_unit()
    {
        var (team, _) = await BusyServiceAsync();
        await using var context = NewContext(app);
        var page = RenderTeam(context, team, DashboardUrls.TeamUrl(team, 45, null, LeadTimeUnit.PullRequest));
        var window = WindowOf(page);
        var services = (await Queries.SummariesAsync(new DoraRequest(window.From, window.To, team) { By = DoraBreakdown.Service })).Teams;

        Assert.NotEmpty(services);
        Assert.Equal(services.Select(row => DashboardUrls.TeamUrl(team, 45, null, LeadTimeUnit.PullRequest, row.Team)),
            page.FindAll("[data-testid=teams] a[data-testid=service-link]").Select(link => link.GetAttribute("href")));
    }

    [Fact]
    public async Task The_service_views_rows_are_that_services_only()
    {
        var (team, service) = await BusyServiceAsync();
        await using var context = NewContext(app);
        var page = RenderTeam(context, team, DashboardUrls.TeamUrl(team, service: service));
        var window = WindowOf(page);
        var expected = (await Queries.SummariesAsync(new DoraRequest(window.From, window.To, team) { By = DoraBreakdown.Service })).Teams.Single(row => row.Team == service);
        // All the team's rows, not the first page's worth: the service's may be further down.
        var teamsRows = await app.Services.GetRequiredService<DoraDrillDown>().DeploymentsAsync(new DoraRequest(window.From, window.To, team), limit: 100_000);
        Assert.True(teamsRows.Any(row => row.Service != service), $"every deployment of {team} is {service}'s: the test could not see a foreign row");

        Assert.Equal(
            [$"Deployments ({expected.DeploymentFrequency.Deployments})", $"Changes ({expected.LeadTime.Changes + expected.LeadTime.Excluded})",
                $"Incidents ({expected.RecoveryTime.Resolved + expected.RecoveryTime.Open})"],
            page.FindAll("[data-testid=drill-down] [role=tab] .rz-tabview-title").Select(title => title.TextContent.Trim()));
        var shown = page.ReadAllPages("deployments");
        Assert.Equal(expected.DeploymentFrequency.Deployments, shown.Count);
        Assert.All(shown, cells => Assert.Equal(service, cells[1]));
        // The same deployments, in the same order, as the team's rows of that service.
        Assert.Equal(teamsRows.Where(row => row.Service == service).Select(row => row.DeploymentId), shown.Select(cells => cells[0]));
    }

    [Fact]
    public async Task The_service_views_rows_are_refused_to_a_viewer_and_to_another_teams_lead_and_shown_to_its_teams_lead()
    {
        var (team, service) = await BusyServiceAsync();
        var uri = DashboardUrls.TeamUrl(team, service: service);

        await using (var viewer = NewContext(app, signIn: visitor => visitor.SetAuthorized("viewer").SetRoles(AnalyticsRoles.Viewer)))
        {
            var page = RenderTeam(viewer, team, uri);
            Assert.Single(page.FindAll("[data-testid=rows-withheld]"));
            Assert.Empty(page.FindAll("[data-testid=drill-down]"));
            // The figures are still the viewer's to see.
            Assert.NotEmpty(page.FindAll("[data-testid=deployment-frequency] [data-testid=figure]"));
        }
        await using (var otherLead = NewContext(app, signIn: visitor => visitor.SetAuthorized("lead").SetRoles(AnalyticsRoles.TeamLead)
                         .SetClaims(new Claim(AnalyticsRoles.TeamClaim, team + "-not"))))
        {
            var page = RenderTeam(otherLead, team, uri);
            Assert.Single(page.FindAll("[data-testid=rows-withheld]"));
            Assert.Empty(page.FindAll("[data-testid=deployments]"));
        }
        await using (var ownLead = NewContext(app, signIn: visitor => visitor.SetAuthorized("lead").SetRoles(AnalyticsRoles.TeamLead)
                         .SetClaims(new Claim(AnalyticsRoles.TeamClaim, team))))
        {
            var page = RenderTeam(ownLead, team, uri);
            Assert.Empty(page.FindAll("[data-testid=rows-withheld]"));
            Assert.NotEmpty(page.FindAll("[data-testid=deployments] tbody tr.rz-data-row"));
        }
    }

    [Fact]
    public async Task A_service_the_team_does_not_have_is_an_error_not_an_empty_page()
    {
        var (team, _) = await BusyServiceAsync();
        await using var context = NewContext(app);
        context.RenderInteractively();
        context.NavigateTo(DashboardUrls.TeamUrl(team, service: "no-such-service"));
        var page = context.Render<TeamPage>(parameters => parameters.Add(component => component.Team, team));
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=error]")), RenderTimeout);

        Assert.Contains("'no-such-service'", page.Find("[data-testid=error]").TextContent);
        Assert.Empty(page.FindAll("[data-testid=figure]"));
        Assert.Empty(page.FindAll("[data-testid=drill-down]"));
    }

    [Fact]
    public async Task The_team_pages_lead_time_chart_follows_the_unit_in_the_address_as_the_series_api_does()
    {
        var (team, _) = await BusyServiceAsync();
        var perPullRequest = await LeadTimeChartAsync(team, DashboardUrls.TeamUrl(team, leadTimeUnit: LeadTimeUnit.PullRequest),
            context => context.Render<TeamPage>(parameters => parameters.Add(component => component.Team, team)));
        var perCommit = await LeadTimeChartAsync(team, DashboardUrls.TeamUrl(team, leadTimeUnit: LeadTimeUnit.Commit),
            context => context.Render<TeamPage>(parameters => parameters.Add(component => component.Team, team)));

        Assert.NotEqual(perCommit.Select(cells => cells[1]), perPullRequest.Select(cells => cells[1]));
    }

    [Fact]
    public async Task A_dashboards_lead_time_chart_follows_the_unit_in_the_address_as_the_series_api_does()
    {
        var (team, _) = await BusyServiceAsync();
        var perPullRequest = await LeadTimeChartAsync(team, DashboardUrls.DashboardUrl("team-lead", team, leadTimeUnit: LeadTimeUnit.PullRequest),
            context => context.Render<DashboardPage>(parameters => parameters.Add(component => component.Name, "team-lead")));
        var perCommit = await LeadTimeChartAsync(team, DashboardUrls.DashboardUrl("team-lead", team),
            context => context.Render<DashboardPage>(parameters => parameters.Add(component => component.Name, "team-lead")));

        Assert.NotEqual(perCommit.Select(cells => cells[1]), perPullRequest.Select(cells => cells[1]));
    }

    /// <summary>
    /// Renders the page at <paramref name="uri"/>, checks its lead-time chart's table equals /api/dora/series for the team with
    /// the page's lead-time unit (the one the toggle marks as current), and returns that table.
    /// </summary>
    private async Task<List<string[]>> LeadTimeChartAsync<TPage>(string team, string uri, Func<BunitContext, IRenderedComponent<TPage>> render)
        where TPage : Microsoft.AspNetCore.Components.IComponent
    {
        await using var context = NewContext(app);
        context.RenderInteractively();
        context.NavigateTo(uri);
        var page = render(context);
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=window]")), RenderTimeout);
        var window = WindowOf(page);
        var unit = page.Find("[data-testid=lead-time-unit] [aria-current=true]").GetAttribute("data-testid")!["lead-time-unit-".Length..];
        Assert.Equal(uri.Contains(LeadTimeUnit.PullRequest, StringComparison.Ordinal) ? LeadTimeUnit.PullRequest : LeadTimeUnit.Commit, unit);

        var series = await SeriesAsync(window, $"team={Uri.EscapeDataString(team)}&leadTimeUnit={unit}", team);
        Assert.Contains(series, point => point.LeadTimeMedian is not null);
        var table = ChartTable(page, "lead-time");
        Assert.Equal(series.Select(point => Cells(point, point.LeadTimeMedian?.TotalHours)), table);
        return table;
    }

    private async Task<IReadOnlyList<DoraSeriesPoint>> SeriesAsync((DateTimeOffset From, DateTimeOffset To) window, string query, string row)
    {
        var answer = await app.Http.GetFromJsonAsync<DoraSeriesAnswer>($"api/dora/series?{DoraApiClient.Query(window.From, window.To)}&granularity=week&{query}", DoraApiClient.Json);
        var points = answer!.Points.Where(point => point.Team == row).ToList();
        Assert.NotEmpty(points);
        return points;
    }

    private static string[] Cells(DoraSeriesPoint point, double? value) =>
        [Figures.Bucket(point.Bucket.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), point.Partial, point.Drawn), value is { } number ? Figures.Number(number) : "no sample",
            Figures.BucketDays(point.DaysInPeriod, point.Days)];

    /// <summary>A chart's numbers, one click away as a table: each row's bucket and value as the page writes them.</summary>
    private static List<string[]> ChartTable<TPage>(IRenderedComponent<TPage> page, string id) where TPage : Microsoft.AspNetCore.Components.IComponent
    {
        Assert.Single(page.FindAll($"[data-testid={id}-chart]"));
        page.Find($"[data-testid={id}-toggle]").Click();
        page.WaitForAssertion(() => Assert.Single(page.FindAll($"[data-testid={id}-table]")), RenderTimeout);
        return page.FindAll($"[data-testid={id}-table] tbody tr")
            .Select(row => row.QuerySelectorAll("td").Select(cell => OverviewText.Normalise(cell.TextContent)).ToArray()).ToList();
    }

    /// <summary>
    /// The busiest team of the default period with at least two deploying services, and its busiest service that the team
    /// owned all period (so the team's row of it is the organisation's) with at most a drill-down's limit of deployments.
    /// </summary>
    private async Task<(string Team, string Service)> BusyServiceAsync()
    {
        var period = Period.Resolve(null, null, Period.DefaultDays, TimeProvider.System);
        var request = new DoraRequest(period.From, period.To);
        var byService = (await Queries.SummariesAsync(request with { By = DoraBreakdown.Service })).Teams.ToDictionary(row => row.Team);
        var teams = (await Queries.SummariesAsync(request)).Teams
            .Where(summary => summary.Team != TeamAttribution.Unassigned && summary.LeadTime.Changes > 0)
            .OrderByDescending(summary => summary.DeploymentFrequency.Deployments);
        foreach (var team in teams)
        {
            var services = (await Queries.SummariesAsync(request with { Team = team.Team, By = DoraBreakdown.Service })).Teams
                .Where(row => row.DeploymentFrequency.Deployments > 0).ToList();
            var service = services
                .Where(row => row.DeploymentFrequency.Deployments <= Limit && row.LeadTime.Changes > 0
                    && byService.GetValueOrDefault(row.Team)?.DeploymentFrequency.Deployments == row.DeploymentFrequency.Deployments)
                .MaxBy(row => row.DeploymentFrequency.Deployments);
            if (services.Count >= 2 && service is not null)
            {
                return (team.Team, service.Team);
            }
        }
        Assert.Fail($"no team of the demo has two deploying services in {period.From:yyyy-MM-dd}..{period.To:yyyy-MM-dd}");
        return default;
    }
}
