namespace Analytics.Storage.Tests.Metrics;

/// <summary>
/// Every team the catalog knows for the period has its row. alpha owns api and deploys; gamma owns web, whose
/// three production attempts all failed; delta owns docs and did nothing; omega owned legacy until 2024.
/// </summary>
public sealed class TeamRowsTests : IAsyncLifetime
{
    private static readonly DateTimeOffset From = new(2025, 1, 6, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = new(2025, 2, 3, 0, 0, 0, TimeSpan.Zero);
    private IClickHouseStore _store = default!;

    public async Task InitializeAsync()
    {
        _store = await EmbeddedEngine.NewMigratedDatabaseAsync("team_rows");
        await _store.ExecuteAsync("INSERT INTO catalog_production_environments (source, pattern) VALUES ('', 'production')");
        await _store.ExecuteAsync("""
            INSERT INTO catalog_service_ownership VALUES
                ('api', 'alpha', '2020-01-01 00:00:00', NULL), ('web', 'gamma', '2020-01-01 00:00:00', NULL),
                ('docs', 'delta', '2020-01-01 00:00:00', NULL), ('legacy', 'omega', '2020-01-01 00:00:00', '2024-01-01 00:00:00')
            """);
        await _store.ExecuteAsync("""
            INSERT INTO deployments (deployment_id, service, environment, status, kind, related_deployment_id, repository, sha, started_at, finished_at, url, source) VALUES
                ('a1', 'api', 'production', 'success', 'normal', '', 'acme/api', 'a', '2025-01-06 09:55:00', '2025-01-06 10:00:00', '', 't'),
                ('g1', 'web', 'production', 'failure', 'normal', '', 'acme/web', 'w', '2025-01-07 10:00:00', '2025-01-07 10:05:00', '', 't'),
                ('g2', 'web', 'production', 'error', 'normal', '', 'acme/web', 'w', '2025-01-08 10:00:00', '2025-01-08 10:05:00', '', 't'),
                ('g3', 'web', 'production', 'failure', 'normal', '', 'acme/web', 'w', '2025-01-09 10:00:00', '2025-01-09 10:05:00', '', 't')
            """);
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task A_team_whose_attempts_all_failed_and_a_team_with_nothing_are_listed_with_what_they_have()
    {
        var options = new MetricOptions();
        var result = await new DoraQueries(_store, new SqlFiles(), Options.Create(options)).SummariesAsync(new DoraRequest(From, To));
        var oracle = new DoraOracle(await GeneratedOrganisation.ReadDoraHistoryAsync(_store), options).Summaries(From, To);

        // omega owned nothing in the period: no row. Nothing was unassigned either.
        Assert.Equal(["alpha", "delta", "gamma"], result.Teams.Select(team => team.Team));
        var gamma = result.Teams.Single(team => team.Team == "gamma");
        Assert.Equal((0L, 3L), (gamma.DeploymentFrequency.Deployments, gamma.DeploymentFrequency.FailedAttempts));
        Assert.Equal(oracle["gamma"].DeploymentFrequency.FailedAttempts, gamma.DeploymentFrequency.FailedAttempts);
        Assert.Null(gamma.ChangeFailureRate.Rate); // n/a, never 0%
        Assert.Null(gamma.LeadTime.Median);
        Assert.Null(gamma.RecoveryTime.Median);
        var delta = result.Teams.Single(team => team.Team == "delta");
        Assert.Equal((0L, 0L, 0L), (delta.DeploymentFrequency.Deployments, delta.DeploymentFrequency.FailedAttempts, delta.LeadTime.Changes));
        Assert.Equal((1L, 3L), (result.Organisation.DeploymentFrequency.Deployments, result.Organisation.DeploymentFrequency.FailedAttempts));
    }

    [Fact]
    public async Task A_team_filter_lists_that_team_even_when_it_has_nothing()
    {
        var result = await new DoraQueries(_store, new SqlFiles(), Options.Create(new MetricOptions())).SummariesAsync(new DoraRequest(From, To, "delta"));

        Assert.Equal(["delta"], result.Teams.Select(team => team.Team));
    }
}
