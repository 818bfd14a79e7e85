namespace Analytics.Storage.Tests.Metrics;

/// <summary>
/// The incident attribution window is applied exactly, as configured, by the SQL and the oracle alike (the SQL
/// used to cut it to whole hours). api: p1 finishes 01-06 10:00, i1 (naming no deployment) starts 67 h 04 min
/// later. web: w1 finishes 01-06 12:00, i2 starts 20 min later.
/// </summary>
public sealed class AttributionWindowTests : IAsyncLifetime
{
    private static readonly DateTimeOffset From = new(2025, 1, 6, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = new(2025, 2, 3, 0, 0, 0, TimeSpan.Zero);
    private IClickHouseStore _store = default!;

    public async Task InitializeAsync()
    {
        _store = await EmbeddedEngine.NewMigratedDatabaseAsync("window");
        await _store.ExecuteAsync("INSERT INTO catalog_production_environments (source, pattern) VALUES ('', 'production')");
        await _store.ExecuteAsync("""
            INSERT INTO deployments (deployment_id, service, environment, status, kind, related_deployment_id, repository, sha, started_at, finished_at, url, source) VALUES
                ('p1', 'api', 'production', 'success', 'normal', '', 'acme/api', 'a', '2025-01-06 09:55:00', '2025-01-06 10:00:00', '', 't'),
                ('w1', 'web', 'production', 'success', 'normal', '', 'acme/web', 'w', '2025-01-06 11:55:00', '2025-01-06 12:00:00', '', 't')
            """);
        await _store.ExecuteAsync("""
            INSERT INTO incidents (incident_id, service, severity, title, started_at, resolved_at, caused_by_deployment_id, url, source) VALUES
                ('i1', 'api', 'sev2', 'x', '2025-01-09 05:04:00', '2025-01-09 06:00:00', '', '', 't'),
                ('i2', 'web', 'sev2', 'x', '2025-01-06 12:20:00', '2025-01-06 13:00:00', '', '', 't')
            """);
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Theory]
    [InlineData("2.19:30:00", 2)]        // 67 h 30 min: i1 (67 h 04 min) and i2 (20 min) fall inside — was 67 h, i1 outside
    [InlineData("2.19:04:00", 2)]        // the window's end is included: 67 h 04 min exactly
    [InlineData("2.19:03:59.999", 1)]    // a millisecond short of i1: only i2
    [InlineData("00:30:00", 1)]          // i2 only — was 0 h, window attribution silently off
    [InlineData("00:19:59.999", 0)]
    public async Task The_window_is_applied_to_the_millisecond_as_the_oracle_applies_it(string window, int failed)
    {
        var options = new MetricOptions { IncidentAttributionWindow = TimeSpan.Parse(window, System.Globalization.CultureInfo.InvariantCulture) };
        var sql = await new DoraQueries(_store, new SqlFiles(), Options.Create(options)).SummariesAsync(new DoraRequest(From, To));
        var oracle = new DoraOracle(await GeneratedOrganisation.ReadDoraHistoryAsync(_store), options).Summaries(From, To)[""];

        Assert.Equal(failed, sql.Organisation.ChangeFailureRate.FailedDeployments);
        Assert.Equal(failed, oracle.ChangeFailureRate.FailedDeployments);
    }
}
