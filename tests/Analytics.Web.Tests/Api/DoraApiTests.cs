using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Analytics.Storage.Catalog;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Web.Tests.Api;

/// <summary>The JSON API over HTTP against the real Kestrel host and the demo organisation.</summary>
[Collection(AnalyticsAppCollection.Name)]
public sealed class DoraApiTests(AnalyticsAppFixture app)
{
    private static DateTimeOffset Today => new(DateTime.UtcNow.Date, TimeSpan.Zero);

    [Fact]
    public async Task Default_period_is_the_last_90_days_up_to_today()
    {
        var before = Today;
        var result = await app.Http.GetDoraAsync();
        var after = Today;

        Assert.Null(result.Request.Team);
        Assert.Contains(result.Request.To, new[] { before, after });
        Assert.Equal(result.Request.To.AddDays(-90), result.Request.From);
        Assert.All(result.Teams.Prepend(result.Organisation), summary =>
        {
            Assert.Equal(result.Request.From, summary.From);
            Assert.Equal(result.Request.To, summary.To);
        });
    }

    [Fact]
    public async Task Dora_returns_the_organisation_and_every_catalog_team_with_figures()
    {
        var result = await app.Http.GetDoraAsync();

        var organisation = result.Organisation;
        Assert.Equal(DoraQueries.OrganisationKey, organisation.Team);
        AssertHasFigures(organisation);
        Assert.NotNull(organisation.RecoveryTime.Median);

        // Every team of the catalog the demo wrote has a row; the only other row allowed is the "unassigned" bucket.
        var catalogTeams = await CatalogTeamSlugsAsync();
        Assert.Equal(AnalyticsAppFixture.Scale.Teams, catalogTeams.Count);
        var apiTeams = result.Teams.Select(team => team.Team).ToList();
        Assert.Equal(apiTeams.Distinct().Count(), apiTeams.Count);
        Assert.Empty(catalogTeams.Except(apiTeams));
        Assert.Empty(apiTeams.Except(catalogTeams).Except(["unassigned"]));
        Assert.Equal(apiTeams.Order(StringComparer.Ordinal), apiTeams);

        Assert.All(result.Teams, AssertHasFigures);

        // Each deployment, change and incident belongs to exactly one team, so the teams add up to the organisation.
        Assert.Equal(organisation.DeploymentFrequency.Deployments, result.Teams.Sum(team => team.DeploymentFrequency.Deployments));
        Assert.Equal(organisation.DeploymentFrequency.FailedAttempts, result.Teams.Sum(team => team.DeploymentFrequency.FailedAttempts));
        Assert.Equal(organisation.LeadTime.Changes, result.Teams.Sum(team => team.LeadTime.Changes));
        Assert.Equal(organisation.ChangeFailureRate.FailedDeployments, result.Teams.Sum(team => team.ChangeFailureRate.FailedDeployments));
        Assert.Equal(organisation.RecoveryTime.Resolved, result.Teams.Sum(team => team.RecoveryTime.Resolved));
        Assert.Equal(organisation.RecoveryTime.Open, result.Teams.Sum(team => team.RecoveryTime.Open));
    }

    [Fact]
    public async Task Team_endpoint_equals_that_teams_entry_in_the_organisation_result()
    {
        var to = Today;
        var from = to.AddDays(-90);
        var all = await app.Http.GetDoraAsync(from, to);
        Assert.NotEmpty(all.Teams);

        foreach (var entry in all.Teams)
        {
            var single = await app.Http.GetTeamDoraAsync(entry.Team, from, to);
            Assert.Equal(entry, single);
        }
    }

    [Theory]
    [InlineData("api/dora", 0)]
    [InlineData("api/dora", -30)]
    [InlineData("api/teams/checkout/dora", 0)]
    [InlineData("api/teams/checkout/dora", -1)]
    public async Task A_period_that_does_not_end_after_it_starts_is_a_bad_request_with_a_problem_body(string path, int lengthInDays)
    {
        var from = Today.AddDays(-10);
        var to = from.AddDays(lengthInDays);

        using var response = await app.Http.GetAsync($"{path}?{DoraApiClient.Query(from, to)}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.RootElement.GetProperty("title").GetString()));
        var detail = problem.RootElement.GetProperty("detail").GetString();
        Assert.Contains("must be after", detail);
        Assert.Contains(from.ToString("O"), detail);
    }

    [Fact]
    public async Task The_lead_time_unit_in_the_query_picks_per_pull_request_and_the_answer_names_the_unit_it_used()
    {
        var to = Today;
        var from = to.AddDays(-90);
        var queries = app.Services.GetRequiredService<DoraQueries>();

        var perCommit = await app.Http.GetFromJsonAsync<DoraResult>($"api/dora?{DoraApiClient.Query(from, to)}", DoraApiClient.Json);
        var perPullRequest = await app.Http.GetFromJsonAsync<DoraResult>($"api/dora?{DoraApiClient.Query(from, to)}&leadTimeUnit=pull-request", DoraApiClient.Json);
        var team = await app.Http.GetFromJsonAsync<DoraSummary>($"api/teams/checkout/dora?{DoraApiClient.Query(from, to)}&leadTimeUnit=Pull-Request", DoraApiClient.Json);

        Assert.Equal(LeadTimeUnit.Commit, perCommit!.Organisation.LeadTime.Unit); // the configured default
        Assert.Equal(LeadTimeUnit.PullRequest, perPullRequest!.Organisation.LeadTime.Unit);
        var expected = await queries.SummariesAsync(new DoraRequest(from, to) { LeadTimeUnit = LeadTimeUnit.PullRequest });
        Assert.Equal(expected.Organisation.LeadTime, perPullRequest.Organisation.LeadTime);
        Assert.Equal(expected.Teams.Single(t => t.Team == "checkout").LeadTime, team!.LeadTime);
        // The demo squash-merges most pull requests and ships several per deployment: the two samples differ.
        Assert.True(perPullRequest.Organisation.LeadTime.Changes > 0);
        Assert.NotEqual(perCommit.Organisation.LeadTime.Changes, perPullRequest.Organisation.LeadTime.Changes);
    }

    [Theory]
    [InlineData("api/dora")]
    [InlineData("api/teams/checkout/dora")]
    public async Task An_unknown_lead_time_unit_is_a_bad_request_naming_the_units_there_are(string path)
    {
        using var response = await app.Http.GetAsync($"{path}?leadTimeUnit=per-team");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var detail = problem.RootElement.GetProperty("detail").GetString();
        Assert.Contains("'per-team'", detail);
        Assert.Contains("commit or pull-request", detail);
    }

    [Theory]
    [InlineData("no-such-team")]
    [InlineData("Checkout")] // slugs are case-sensitive: "checkout" is a team, "Checkout" is not
    [InlineData("unassigned-team")]
    public async Task An_unknown_team_is_not_found_with_a_problem_body_naming_it(string team)
    {
        var to = Today;
        using var response = await app.Http.GetAsync($"api/teams/{Uri.EscapeDataString(team)}/dora?{DoraApiClient.Query(to.AddDays(-30), to)}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(404, problem.RootElement.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.RootElement.GetProperty("title").GetString()));
        Assert.Contains($"'{team}'", problem.RootElement.GetProperty("detail").GetString());
        // No figures: a misspelt team must not read as a team that never deployed.
        Assert.False(problem.RootElement.TryGetProperty("deploymentFrequency", out _));
    }

    [Fact]
    public async Task Unassigned_is_a_team_whose_figures_are_the_services_nobody_owned()
    {
        var to = Today;
        var from = to.AddDays(-90);

        using var response = await app.Http.GetAsync($"api/teams/{TeamAttribution.Unassigned}/dora?{DoraApiClient.Query(from, to)}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var unassigned = await app.Http.GetTeamDoraAsync(TeamAttribution.Unassigned, from, to);
        Assert.Equal(TeamAttribution.Unassigned, unassigned.Team);
        Assert.Equal((from, to), (unassigned.From, unassigned.To));
        // Whatever the organisation's catalog teams do not account for is unassigned's.
        var all = await app.Http.GetDoraAsync(from, to);
        var assigned = all.Teams.Where(team => team.Team != TeamAttribution.Unassigned).ToList();
        Assert.Equal(all.Organisation.DeploymentFrequency.Deployments - assigned.Sum(team => team.DeploymentFrequency.Deployments), unassigned.DeploymentFrequency.Deployments);
        Assert.Equal(all.Organisation.RecoveryTime.Resolved - assigned.Sum(team => team.RecoveryTime.Resolved), unassigned.RecoveryTime.Resolved);
        Assert.Equal(all.Organisation.RecoveryTime.Open - assigned.Sum(team => team.RecoveryTime.Open), unassigned.RecoveryTime.Open);
    }

    public static TheoryData<int, int> Windows => new()
    {
        // (days before today the window ends, its length in days)
        { 0, 90 },
        { 0, 30 },
        { 0, 365 },
        { 100, 120 },
        { 0, 1 },
    };

    [Theory]
    [MemberData(nameof(Windows))]
    public async Task Figures_equal_what_DoraQueries_returns(int endDaysAgo, int days)
    {
        var to = Today.AddDays(-endDaysAgo);
        var from = to.AddDays(-days);
        var queries = app.Services.GetRequiredService<DoraQueries>();

        // Tiered by the configured benchmark year, as every reader of the API sees them.
        var configured = DoraTierTables.Get(app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<MetricOptions>>().Value.TierYear);
        var expected = (await queries.SummariesAsync(new DoraRequest(from, to))).WithTiers(configured);
        var actual = await app.Http.GetDoraAsync(from, to);
        Assert.Equal(configured.Year, actual.Organisation.TiersYear);

        Assert.Equal(expected.Request, actual.Request);
        Assert.Equal(expected.Organisation, actual.Organisation);
        Assert.Equal(expected.Teams, actual.Teams);

        var team = expected.Teams.OrderByDescending(summary => summary.DeploymentFrequency.Deployments).First().Team;
        var expectedTeam = (await queries.SummariesAsync(new DoraRequest(from, to, team))).WithTiers(configured);
        Assert.Equal(Assert.Single(expectedTeam.Teams), await app.Http.GetTeamDoraAsync(team, from, to));
    }

    [Theory]
    [InlineData(2021)]
    [InlineData(2024)]
    public async Task Tiers_follow_the_benchmark_year_in_the_query(int year)
    {
        var to = Today;
        var from = to.AddDays(-90);
        var expected = (await app.Services.GetRequiredService<DoraQueries>().SummariesAsync(new DoraRequest(from, to))).WithTiers(DoraTierTables.Get(year));

        var actual = await app.Http.GetDoraAsync(from, to, year);

        Assert.Equal(year, actual.Organisation.TiersYear);
        Assert.Equal(expected.Teams, actual.Teams);
        // The year matters: some team's tier differs between the year asked for and the configured one.
        var configured = await app.Http.GetDoraAsync(from, to);
        Assert.NotEqual(configured.Teams.Select(Tiers), actual.Teams.Select(Tiers));

        static string Tiers(DoraSummary s) => $"{s.DeploymentFrequency.Tier}/{s.LeadTime.Tier}/{s.ChangeFailureRate.Tier}/{s.RecoveryTime.Tier}";
    }

    [Fact]
    public async Task A_year_without_a_tier_table_is_a_bad_request_naming_the_years_there_are()
    {
        using var response = await app.Http.GetAsync("api/dora?tiers=2019");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("There is no DORA tier table for '2019'; tiers= takes 2021, 2023, 2024.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Tiers_and_durations_are_written_for_portals_to_read()
    {
        using var response = await app.Http.GetAsync("api/dora");
        response.EnsureSuccessStatusCode();
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var organisation = json.RootElement.GetProperty("organisation");

        var tier = organisation.GetProperty("deploymentFrequency").GetProperty("tier");
        Assert.Equal(JsonValueKind.String, tier.ValueKind);
        Assert.Contains(tier.GetString(), Enum.GetNames<DoraTier>());
        var median = organisation.GetProperty("leadTime").GetProperty("median");
        Assert.Equal(JsonValueKind.String, median.ValueKind);
        Assert.True(TimeSpan.TryParse(median.GetString(), System.Globalization.CultureInfo.InvariantCulture, out var parsed) && parsed > TimeSpan.Zero);
    }

    private async Task<List<string>> CatalogTeamSlugsAsync()
    {
        var factory = app.Services.GetRequiredService<IDbContextFactory<CatalogDbContext>>();
        await using var catalog = await factory.CreateDbContextAsync();
        return await catalog.Teams.Select(team => team.Slug).ToListAsync();
    }

    /// <summary>Deployments, a lead-time sample and a change failure rate; recovery is present exactly when incidents were resolved.</summary>
    private static void AssertHasFigures(DoraSummary summary)
    {
        Assert.True(summary.DeploymentFrequency.Deployments > 0, $"{summary.Team}: no deployments");
        Assert.True(summary.DeploymentFrequency.DeploymentsPerDay > 0, $"{summary.Team}: no deployments per day");
        Assert.True(summary.LeadTime.Changes > 0, $"{summary.Team}: no lead-time sample");
        Assert.NotNull(summary.LeadTime.Median);
        Assert.NotNull(summary.LeadTime.Tier);
        Assert.True(summary.LeadTime.Median <= summary.LeadTime.P75 && summary.LeadTime.P75 <= summary.LeadTime.P90, $"{summary.Team}: percentiles out of order");
        Assert.Equal(summary.DeploymentFrequency.Deployments, summary.ChangeFailureRate.Deployments);
        Assert.NotNull(summary.ChangeFailureRate.Rate);
        Assert.NotNull(summary.ChangeFailureRate.Tier);
        Assert.InRange(summary.ChangeFailureRate.Rate!.Value, 0, 1);
        Assert.Equal(summary.RecoveryTime.Resolved > 0, summary.RecoveryTime.Median is not null);
        Assert.Equal(summary.RecoveryTime.Resolved > 0, summary.RecoveryTime.Tier is not null);
    }
}
