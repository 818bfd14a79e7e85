using Analytics.Ingestors.Demo;

namespace Analytics.Storage.Tests.Metrics;

/// <summary>
/// The breakdown by team, service or repository (docs/metrics.md, "Breakdown by team, service or repository") through
/// the real engine. The hand-made history: api and worker are built from acme/platform, web from acme/web, docs from
/// acme/docs. alpha owned api until the second Monday, beta since; beta owns worker, gamma web, delta docs.
/// api deployed twice under alpha and once under beta; its second deployment caused an incident and the third restored
/// it. worker deployed twice, the second causing an incident. web's two production attempts failed; docs did nothing.
/// c1–c3 were made in acme/platform, c4 in acme/shared (a library api ships).
/// </summary>
public sealed class DoraBreakdownTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Monday = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset From = Monday;
    private static readonly DateTimeOffset To = Monday.AddDays(14);
    private static readonly DateTimeOffset End = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly MetricOptions _options = new();
    private IClickHouseStore _store = default!;
    private DoraQueries _queries = default!;
    private DoraOracle _oracle = default!;

    private static DateTimeOffset At(int day, int hour) => Monday.AddDays(day).AddHours(hour);

    public async Task InitializeAsync()
    {
        _store = await EmbeddedEngine.NewMigratedDatabaseAsync("breakdown");
        await _store.InsertAsync("catalog_production_environments", ["source", "pattern"], [["", "production"]]);
        await _store.InsertAsync("catalog_services", ["service", "repository", "default_branch", "paths"],
        [
            ["api", "acme/platform", "main", Array.Empty<string>()], ["worker", "acme/platform", "main", Array.Empty<string>()],
            ["web", "acme/web", "main", Array.Empty<string>()], ["docs", "acme/docs", "main", Array.Empty<string>()],
        ]);
        await _store.InsertAsync("catalog_service_ownership", ["service", "team", "valid_from", "valid_to"],
        [
            ["api", "alpha", Monday.AddYears(-1), Monday.AddDays(7)], ["api", "beta", Monday.AddDays(7), null],
            ["worker", "beta", Monday.AddYears(-1), null], ["web", "gamma", Monday.AddYears(-1), null], ["docs", "delta", Monday.AddYears(-1), null],
        ]);
        await _store.InsertAsync("deployments", ["deployment_id", "service", "environment", "status", "kind", "related_deployment_id", "repository", "sha", "started_at", "finished_at", "url", "source"],
            new (string Id, string Service, string Status, int Day, string Sha)[]
            {
                ("api-1", "api", "success", 1, "c1"), ("api-2", "api", "success", 3, "c1"), ("api-3", "api", "success", 9, "c3"),
                ("worker-1", "worker", "success", 2, "c2"), ("worker-2", "worker", "success", 10, "c2"),
                ("web-1", "web", "failure", 4, "w"), ("web-2", "web", "error", 5, "w"),
            }.Select(d => new object?[] { d.Id, d.Service, "production", d.Status, "normal", "", "acme/platform", d.Sha, At(d.Day, 10).AddMinutes(-5), At(d.Day, 10), "", "test" }));
        await _store.InsertAsync("commits", ["repository", "sha", "parents", "author_email", "author_name", "authored_at", "committed_at", "committer_email", "message", "source"],
            new (string Repository, string Sha, int Day, int Hour)[] { ("acme/platform", "c1", 0, 9), ("acme/platform", "c2", 1, 10), ("acme/platform", "c3", 8, 6), ("acme/shared", "c4", 6, 10) }
                .Select(c => new object?[] { c.Repository, c.Sha, Array.Empty<string>(), "dev@acme.test", "Dev", At(c.Day, c.Hour), At(c.Day, c.Hour), "dev@acme.test", c.Sha, "test" }));
        await _store.InsertAsync("deployment_commits", ["deployment_id", "service", "repository", "sha", "link"],
        [
            ["api-1", "api", "acme/platform", "c1", "exact"], ["worker-1", "worker", "acme/platform", "c2", "exact"],
            ["api-3", "api", "acme/platform", "c3", "exact"], ["api-3", "api", "acme/shared", "c4", "exact"],
        ]);
        await _store.InsertAsync("incidents", ["incident_id", "service", "severity", "title", "started_at", "resolved_at", "caused_by_deployment_id", "url", "source"],
        [
            ["i-1", "api", "sev2", "api errors", At(3, 11), At(3, 13), "api-2", "", "test"],
            ["i-2", "worker", "sev2", "queue stuck", At(10, 12), At(10, 16), "worker-2", "", "test"],
        ]);
        _queries = new DoraQueries(_store, new SqlFiles(), Options.Create(_options));
        _oracle = new DoraOracle(await GeneratedOrganisation.ReadDoraHistoryAsync(_store), _options);
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    private async Task<Dictionary<string, DoraSummary>> RowsAsync(DoraBreakdown by, string? team = null)
    {
        var result = await _queries.SummariesAsync(new DoraRequest(From, To, team) { By = by });
        Assert.Equal(by, result.Request.By);
        return result.Teams.Append(result.Organisation).ToDictionary(row => row.Team);
    }

    [Fact]
    public async Task A_service_moved_between_teams_counts_whole_under_service_and_split_under_teams()
    {
        var services = await RowsAsync(DoraBreakdown.Service);
        var teams = await RowsAsync(DoraBreakdown.Team);

        Assert.Equal((3L, 1L), (services["api"].DeploymentFrequency.Deployments, services["api"].ChangeFailureRate.FailedDeployments));
        Assert.Equal((2L, 1L), (teams["alpha"].DeploymentFrequency.Deployments, teams["alpha"].ChangeFailureRate.FailedDeployments));
        // beta: api-3 after the move, and worker's two.
        Assert.Equal(3L, teams["beta"].DeploymentFrequency.Deployments);
        // api-2 failed under alpha and was restored by api-3 under beta: the restore is the failed deployment's.
        Assert.Equal((1L, TimeSpan.FromDays(6)), (services["api"].RecoveryTime.Restored, services["api"].RecoveryTime.RestoreMedian!.Value));
        Assert.Equal(1L, teams["alpha"].RecoveryTime.Restored);
        Assert.Equal(0L, teams["beta"].RecoveryTime.Restored);
        // The organisation is the same whatever the rows are.
        Assert.Equal(5L, services[""].DeploymentFrequency.Deployments);
        DoraOracleAgreementTests.AssertSame(teams[""], services[""], "organisation by service vs by team");
        AssertOracle(DoraBreakdown.Service, services);
        AssertOracle(DoraBreakdown.Team, teams);
    }

    [Fact]
    public async Task A_repository_with_two_services_sums_them_and_a_change_counts_where_it_was_made()
    {
        var repositories = await RowsAsync(DoraBreakdown.Repository);
        var services = await RowsAsync(DoraBreakdown.Service);

        var platform = repositories["acme/platform"];
        Assert.Equal(services["api"].DeploymentFrequency.Deployments + services["worker"].DeploymentFrequency.Deployments, platform.DeploymentFrequency.Deployments);
        Assert.Equal((5L, 2L, 2L), (platform.DeploymentFrequency.Deployments, platform.ChangeFailureRate.FailedDeployments, platform.RecoveryTime.Resolved));
        // c1 (25 h), c2 (24 h), c3 (28 h) were made in acme/platform; c4, shipped by api, in acme/shared.
        Assert.Equal((3L, TimeSpan.FromHours(25)), (platform.LeadTime.Changes, platform.LeadTime.Median!.Value));
        Assert.Equal((1L, 0L), (repositories["acme/shared"].LeadTime.Changes, repositories["acme/shared"].DeploymentFrequency.Deployments));
        Assert.Equal(3L, services["api"].LeadTime.Changes); // c1, c3 and c4 shipped with api
        AssertOracle(DoraBreakdown.Repository, repositories);
    }

    [Fact]
    public async Task Every_known_service_and_repository_has_its_row_even_with_only_failed_attempts_or_nothing()
    {
        var services = await RowsAsync(DoraBreakdown.Service);
        var repositories = await RowsAsync(DoraBreakdown.Repository);

        Assert.Equal(["", "api", "docs", "web", "worker"], services.Keys.Order(StringComparer.Ordinal));
        Assert.Equal((0L, 2L), (services["web"].DeploymentFrequency.Deployments, services["web"].DeploymentFrequency.FailedAttempts));
        Assert.Null(services["web"].ChangeFailureRate.Rate); // n/a, never 0%
        Assert.Equal((0L, 0L), (services["docs"].DeploymentFrequency.Deployments, services["docs"].LeadTime.Changes));
        Assert.Equal(["", "acme/docs", "acme/platform", "acme/shared", "acme/web"], repositories.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(2L, repositories["acme/web"].DeploymentFrequency.FailedAttempts);
    }

    [Fact]
    public async Task A_team_broken_down_by_service_lists_its_services_with_its_share_of_them()
    {
        var beta = await RowsAsync(DoraBreakdown.Service, "beta");

        Assert.Equal(["", "api", "worker"], beta.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(1L, beta["api"].DeploymentFrequency.Deployments); // api-3 only: api-1 and api-2 were alpha's
        Assert.Equal(2L, beta["worker"].DeploymentFrequency.Deployments);
        var team = (await RowsAsync(DoraBreakdown.Team, "beta"))["beta"];
        Assert.Equal(team.DeploymentFrequency.Deployments, beta["api"].DeploymentFrequency.Deployments + beta["worker"].DeploymentFrequency.Deployments);
        Assert.Equal(team.LeadTime.Changes, beta["api"].LeadTime.Changes + beta["worker"].LeadTime.Changes);
    }

    /// <summary>
    /// Property: for generated organisations (several seeds), every figure of every service and every repository
    /// computed by the SQL equals the oracle's, as the team rows do (DoraOracleAgreementTests).
    /// </summary>
    [Theory]
    [InlineData(1, "UTC")]
    [InlineData(2, "America/New_York")]
    [InlineData(4, "Europe/Berlin")]
    public async Task Sql_equals_the_oracle_for_every_service_and_repository(int seed, string timeZone)
    {
        await using var organisation = await GeneratedOrganisation.LoadAsync("breakdown_oracle", DemoScale.Tiny, seed, End);
        var options = new MetricOptions { TimeZone = timeZone };
        var queries = new DoraQueries(organisation.Store, new SqlFiles(), Options.Create(options));
        var oracle = new DoraOracle(await organisation.ReadDoraHistoryAsync(), options);
        foreach (var (from, to) in new[] { (End.AddDays(-90), End), (End.AddYears(-1), End) })
        {
            foreach (var by in new[] { DoraBreakdown.Service, DoraBreakdown.Repository })
            {
                var result = await queries.SummariesAsync(new DoraRequest(from, to) { By = by });
                var rows = result.Teams.Append(result.Organisation).ToDictionary(row => row.Team);
                var expected = oracle.Summaries(from, to, by: by);
                // Several rows with deployments, or the breakdown proves little.
                Assert.True(expected.Count(row => row.Key != "" && row.Value.DeploymentFrequency.Deployments > 0) > 1, $"seed {seed}: fewer than two {by} rows deployed");
                AssertAgree(expected, rows, $"seed {seed}, {timeZone}, by {by}, {from:O}..{to:O}");
            }
        }
    }

    /// <summary>The drill-downs of one service or repository: its own deployments, changes and incidents, adding up to its row.</summary>
    [Theory]
    [InlineData(DoraBreakdown.Service, "api", new[] { "api-1", "api-2", "api-3" }, new[] { "c1", "c3", "c4" }, new[] { "i-1" })]
    [InlineData(DoraBreakdown.Service, "worker", new[] { "worker-1", "worker-2" }, new[] { "c2" }, new[] { "i-2" })]
    [InlineData(DoraBreakdown.Repository, "acme/platform", new[] { "api-1", "api-2", "api-3", "worker-1", "worker-2" }, new[] { "c1", "c2", "c3" }, new[] { "i-1", "i-2" })]
    [InlineData(DoraBreakdown.Repository, "acme/shared", new string[0], new[] { "c4" }, new string[0])]
    [InlineData(DoraBreakdown.Team, "alpha", new[] { "api-1", "api-2" }, new[] { "c1" }, new[] { "i-1" })]
    public async Task The_rows_behind_one_service_or_repository_are_its_own_and_add_up_to_its_figures(
        DoraBreakdown by, string unit, string[] deployments, string[] changes, string[] incidents)
    {
        var drillDown = new DoraDrillDown(_store, new SqlFiles(), Options.Create(_options));
        var request = new DoraRequest(From, To) { By = by, Unit = unit };
        var row = (await RowsAsync(by)).GetValueOrDefault(unit);

        var gotDeployments = await drillDown.DeploymentsAsync(request);
        var gotChanges = await drillDown.ChangesAsync(request);
        var gotIncidents = await drillDown.IncidentsAsync(request);

        Assert.Equal(deployments, gotDeployments.Select(d => d.DeploymentId).Order(StringComparer.Ordinal));
        Assert.Equal(changes, gotChanges.Select(c => c.Sha).Order(StringComparer.Ordinal));
        Assert.Equal(incidents, gotIncidents.Select(i => i.IncidentId).Order(StringComparer.Ordinal));
        Assert.Equal(row?.DeploymentFrequency.Deployments ?? 0, gotDeployments.Count);
        Assert.Equal(row?.ChangeFailureRate.FailedDeployments ?? 0, gotDeployments.Count(d => d.CausedFailure));
        Assert.Equal(row?.LeadTime.Changes ?? 0, gotChanges.Count(c => !c.Excluded));
        Assert.Equal(row?.RecoveryTime.Resolved ?? 0, gotIncidents.Count(i => i.State == "resolved"));
    }

    /// <summary>The series by service or repository: each unit's buckets add up to its row; with a unit, only that unit (and its total).</summary>
    [Theory]
    [InlineData(DoraBreakdown.Service)]
    [InlineData(DoraBreakdown.Repository)]
    public async Task Series_by_service_or_repository_add_up_to_each_units_figures(DoraBreakdown by)
    {
        var rows = await RowsAsync(by);

        var points = await _queries.SeriesAsync(new DoraRequest(From, To) { By = by }, Core.Calendar.Granularity.Week);

        var units = points.Select(p => p.Team).Where(unit => unit != "").Distinct().ToList();
        Assert.True(units.Count > 1, $"by {by}: {units.Count} units in the series");
        foreach (var unit in units)
        {
            var mine = points.Where(p => p.Team == unit).ToList();
            Assert.Equal(2, mine.Count);
            Assert.Equal((rows[unit].DeploymentFrequency.Deployments, rows[unit].LeadTime.Changes, rows[unit].RecoveryTime.Resolved, rows[unit].ChangeFailureRate.FailedDeployments),
                (mine.Sum(p => p.Deployments), mine.Sum(p => p.Changes), mine.Sum(p => p.IncidentsResolved), mine.Sum(p => p.FailedDeployments)));
            if (rows[unit].LeadTime.Changes > 0 && mine.Count(p => p.Changes > 0) == 1)
            {
                DoraOracleAgreementTests.AssertMilliseconds(rows[unit].LeadTime.Median, mine.Single(p => p.Changes > 0).LeadTimeMedian, $"{by} '{unit}' median");
            }
        }
        var one = units[0];
        var only = await _queries.SeriesAsync(new DoraRequest(From, To) { By = by, Unit = one }, Core.Calendar.Granularity.Week);
        Assert.Equal([one, ""], only.Select(p => p.Team).Distinct().Order(StringComparer.Ordinal).Reverse());
        Assert.Equal(only.Where(p => p.Team == one).Select(p => (p.Deployments, p.Changes)), only.Where(p => p.Team == "").Select(p => (p.Deployments, p.Changes)));
    }

    private void AssertOracle(DoraBreakdown by, Dictionary<string, DoraSummary> rows) =>
        AssertAgree(_oracle.Summaries(From, To, by: by), rows, $"by {by}");

    private static void AssertAgree(IReadOnlyDictionary<string, DoraSummary> expected, Dictionary<string, DoraSummary> rows, string context)
    {
        foreach (var (unit, want) in expected)
        {
            if (rows.TryGetValue(unit, out var got))
            {
                DoraOracleAgreementTests.AssertSame(want, got, $"{context}, row '{unit}'");
            }
            else
            {
                DoraOracleAgreementTests.AssertEmpty(want, $"{context}, row '{unit}'");
            }
        }
        Assert.All(rows.Keys, unit => Assert.True(expected.ContainsKey(unit), $"{context}: SQL reports row '{unit}' that the oracle does not know"));
    }
}
