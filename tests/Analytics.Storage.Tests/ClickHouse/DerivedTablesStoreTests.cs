using Analytics.Storage.ClickHouse.Embedded;
using Analytics.Storage.ClickHouse.Server;

namespace Analytics.Storage.Tests.ClickHouse;

/// <summary>
/// The derived tables (migrations 0008, 0009 and 0019) follow every write: through this store at once, and through another
/// store on the same database (another process) at the next fingerprint check — and only then.
/// </summary>
public sealed class DerivedTablesStoreTests
{
    internal const string DeploymentColumns = "(deployment_id, service, environment, status, kind, related_deployment_id, repository, sha, started_at, finished_at, url, source)";

    [Fact]
    public async Task A_query_after_a_write_reads_derived_tables_that_include_it()
    {
        await using var store = await EmbeddedEngine.NewMigratedDatabaseAsync("derived");
        await store.ExecuteAsync("INSERT INTO catalog_production_environments (source, pattern) VALUES ('', 'production')");
        await store.ExecuteAsync("INSERT INTO catalog_service_ownership VALUES ('api', 'alpha', '2025-01-01 00:00:00', NULL)");
        await store.ExecuteAsync($"INSERT INTO deployments {DeploymentColumns} VALUES ('d1', 'api', 'production', 'success', 'normal', '', 'acme/api', 's1', '2025-01-06 10:00:00', '2025-01-06 10:05:00', '', 't')");
        Assert.Equal(["d1:alpha"], await ProductionDeploymentsAsync(store));

        // A reorganisation reaches the table through the catalog mirror alone (no event is written).
        await store.ExecuteAsync("TRUNCATE TABLE catalog_service_ownership");
        await store.ExecuteAsync("INSERT INTO catalog_service_ownership VALUES ('api', 'beta', '2025-01-01 00:00:00', NULL)");
        Assert.Equal(["d1:beta"], await ProductionDeploymentsAsync(store));

        // Rows inserted through the insert stream count as writes too; a staging deployment is not production.
        await store.InsertAsync("deployments", ["deployment_id", "service", "environment", "status", "kind", "related_deployment_id", "repository", "sha", "started_at", "finished_at", "url", "source"],
        [
            ["d2", "api", "production", "success", "normal", "", "acme/api", "s2", new DateTimeOffset(2025, 1, 7, 10, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 1, 7, 10, 5, 0, TimeSpan.Zero), "", "t"],
            ["d3", "api", "staging", "success", "normal", "", "acme/api", "s3", new DateTimeOffset(2025, 1, 7, 11, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 1, 7, 11, 5, 0, TimeSpan.Zero), "", "t"],
        ]);
        Assert.Equal(["d1:beta", "d2:beta"], await ProductionDeploymentsAsync(store));
    }

    [Fact]
    public async Task A_query_that_reads_no_derived_table_or_view_does_not_wait_for_a_refresh()
    {
        await using var store = await EmbeddedEngine.NewMigratedDatabaseAsync("derived");
        await store.ExecuteAsync("INSERT INTO catalog_production_environments (source, pattern) VALUES ('', 'production')");
        Assert.Empty(await ProductionDeploymentsAsync(store));
        // The refreshes are read past the store (its query names a derived table, in a string, so it would refresh).
        await using var raw = await ChDbStore.OpenAsync(EmbeddedEngine.DataPath, store.Database);
        var before = await LastRefreshAsync(raw);
        await store.ExecuteAsync($"INSERT INTO deployments {DeploymentColumns} VALUES ('d1', 'api', 'production', 'success', 'normal', '', 'acme/api', 's1', '2025-01-06 10:00:00', '2025-01-06 10:05:00', '', 't')");

        // The written table itself is current without a refresh; the derived tables stay stale until one is read.
        Assert.Equal(1UL, (await store.QueryAsync<CountRow>("SELECT count() AS rows FROM deployments FINAL")).Single().Rows);
        Assert.Equal(before, await LastRefreshAsync(raw));

        // A view may read a derived table, so naming one refreshes first (environment_classification reads
        // deployment_environments, computed from deployments).
        Assert.Equal(1UL, (await store.QueryAsync<CountRow>("SELECT count() AS rows FROM environment_classification WHERE is_production")).Single().Rows);
        Assert.True(await LastRefreshAsync(raw) > before);
        Assert.Equal(["d1:unassigned"], await ProductionDeploymentsAsync(store));
    }

    [Fact]
    public async Task With_a_background_delay_a_burst_of_writes_is_refreshed_once_without_waiting_for_a_query()
    {
        var sqlFiles = new SqlFiles();
        await using var writer = await EmbeddedEngine.NewMigratedDatabaseAsync("derived");
        await writer.ExecuteAsync("INSERT INTO catalog_production_environments (source, pattern) VALUES ('', 'production')");
        Assert.Empty(await ProductionDeploymentsAsync(writer));
        var before = await LastRefreshAsync(writer);

        await using var store = new DerivedTablesStore(await ChDbStore.OpenAsync(EmbeddedEngine.DataPath, writer.Database), sqlFiles,
            refreshAfterWrites: TimeSpan.FromSeconds(2));
        for (var i = 1; i <= 3; i++)
        {
            await store.ExecuteAsync($"INSERT INTO deployments {DeploymentColumns} VALUES ('d{i}', 'api', 'production', 'success', 'normal', '', 'acme/api', 's{i}', '2025-01-0{i} 10:00:00', '2025-01-0{i} 10:05:00', '', 't')");
        }

        // Read past the store's upkeep, as another process would: the tables become current on their own.
        await using var raw = await ChDbStore.OpenAsync(EmbeddedEngine.DataPath, writer.Database);
        // The refresh is recorded just after its swap, so wait for both: on a loaded machine the two can be seconds apart.
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        List<string> seen;
        while (((seen = await ProductionDeploymentsAsync(raw)).Count < 3 || await RefreshesSinceAsync(raw, before) == 0)
            && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        Assert.Equal(["d1:unassigned", "d2:unassigned", "d3:unassigned"], seen);
        // Past the background delay once more: the burst of three writes still made one refresh, not three.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(1UL, await RefreshesSinceAsync(raw, before));

        // The app's container disposes the store once per service it is registered as.
        await store.DisposeAsync();
        await store.DisposeAsync();
    }

    [Fact]
    public async Task Over_the_server_transport_the_tables_are_rebuilt_and_swapped_in_the_same_way()
    {
        var sqlFiles = new SqlFiles();
        var server = new ClickHouseServerStore("Host=clickhouse.invalid;Port=8123;Username=default;Password=not-a-secret",
            $"derived_{Guid.NewGuid():N}", new HttpClient(new ChDbHttpInterface()));
        await server.EnsureDatabaseAsync();
        await using var store = new DerivedTablesStore(server, sqlFiles);
        await new MigrationRunner(store, sqlFiles).MigrateAsync();
        await store.ExecuteAsync("INSERT INTO catalog_production_environments (source, pattern) VALUES ('', 'production')");
        await store.ExecuteAsync("INSERT INTO catalog_service_ownership VALUES ('api', 'alpha', '2025-01-01 00:00:00', NULL)");
        await store.ExecuteAsync($"INSERT INTO deployments {DeploymentColumns} VALUES ('d1', 'api', 'production', 'success', 'normal', '', 'acme/api', 's1', '2025-01-06 10:00:00', '2025-01-06 10:05:00', '', 't')");
        Assert.Equal(["d1:alpha"], await ProductionDeploymentsAsync(store));
    }

    [Fact]
    public async Task Another_process_writes_are_picked_up_at_the_next_fingerprint_check_and_an_unchanged_store_is_not_rebuilt()
    {
        await using var writer = await EmbeddedEngine.NewMigratedDatabaseAsync("derived");
        await writer.ExecuteAsync("INSERT INTO catalog_production_environments (source, pattern) VALUES ('', 'production')");
        await writer.ExecuteAsync($"INSERT INTO deployments {DeploymentColumns} VALUES ('d1', 'api', 'production', 'success', 'normal', '', 'acme/api', 's1', '2025-01-06 10:00:00', '2025-01-06 10:05:00', '', 't')");
        Assert.Equal(["d1:unassigned"], await ProductionDeploymentsAsync(writer));
        var refreshed = await LastRefreshAsync(writer);

        // A reader opened on the same database (as a new process would be) finds the recorded fingerprints
        // current and rebuilds nothing.
        var sqlFiles = new SqlFiles();
        await using var reader = new DerivedTablesStore(await ChDbStore.OpenAsync(EmbeddedEngine.DataPath, writer.Database), sqlFiles, TimeSpan.Zero);
        Assert.Equal(["d1:unassigned"], await ProductionDeploymentsAsync(reader));
        Assert.Equal(refreshed, await LastRefreshAsync(reader));

        // A write that only the writer saw (it has not queried since) is picked up by the reader's next check.
        await writer.ExecuteAsync($"INSERT INTO deployments {DeploymentColumns} VALUES ('d2', 'api', 'production', 'success', 'normal', '', 'acme/api', 's2', '2025-01-07 10:00:00', '2025-01-07 10:05:00', '', 't')");
        Assert.Equal(["d1:unassigned", "d2:unassigned"], await ProductionDeploymentsAsync(reader));
        Assert.True(await LastRefreshAsync(reader) > refreshed);
    }

    [Fact]
    public async Task An_older_database_is_migrated_before_anything_is_refreshed_and_then_every_derived_table_is()
    {
        // A database from before migration 0009, when failed production attempts and attributed incidents were views.
        string database;
        await using (var old = await EmbeddedEngine.NewMigratedDatabaseAsync("derived"))
        {
            database = old.Database;
            await old.ExecuteAsync("INSERT INTO catalog_production_environments (source, pattern) VALUES ('', 'production')");
            await old.ExecuteAsync($"INSERT INTO deployments {DeploymentColumns} VALUES ('f1', 'api', 'production', 'failure', 'normal', '', 'acme/api', 's1', '2025-01-06 10:00:00', '2025-01-06 10:05:00', '', 't')");
            await old.ExecuteAsync("DROP TABLE failed_production_attempts");
            await old.ExecuteAsync("CREATE VIEW failed_production_attempts AS SELECT 'old' AS deployment_id");
            await old.ExecuteAsync("DROP TABLE attributed_incidents");
            await old.ExecuteAsync("CREATE VIEW attributed_incidents AS SELECT 'old' AS incident_id");
            // And reviews attributed to teams, a view until migration 0019.
            await old.ExecuteAsync("DROP TABLE attributed_reviews");
            await old.ExecuteAsync("CREATE VIEW attributed_reviews AS SELECT 'old' AS review_id");
            // And pull request shipments, a view until migration 0023.
            await old.ExecuteAsync("DROP TABLE pull_request_shipments");
            await old.ExecuteAsync("CREATE VIEW pull_request_shipments AS SELECT 'old' AS sha");
            // 0009 and every later migration are pending, as they were for such a database.
            await old.ExecuteAsync("DELETE FROM schema_migrations WHERE version >= 9");
            await old.ExecuteAsync("DELETE FROM schema_migration_steps WHERE version >= 9");
        }

        var sqlFiles = new SqlFiles();
        await using var upgraded = new DerivedTablesStore(await ChDbStore.OpenAsync(EmbeddedEngine.DataPath, database), sqlFiles);
        Assert.Equal(sqlFiles.Migrations().Select(m => m.Version).Where(v => v >= 9), await new MigrationRunner(upgraded, sqlFiles).MigrateAsync());
        var attempts = await upgraded.QueryAsync<AttemptRow>("SELECT deployment_id, team FROM failed_production_attempts");
        Assert.Equal("f1:unassigned", $"{Assert.Single(attempts).DeploymentId}:{attempts[0].Team}");
        Assert.Empty(await upgraded.QueryAsync<NameRow>("SELECT review_id AS name FROM attributed_reviews"));
        Assert.Empty(await upgraded.QueryAsync<NameRow>("SELECT sha AS name FROM pull_request_shipments"));
    }

    [Fact]
    public async Task Each_derived_table_comes_after_the_derived_tables_it_reads_and_names_only_tables_that_exist()
    {
        await using var store = await EmbeddedEngine.NewMigratedDatabaseAsync("derived");
        var tables = store.Tables.Select(table => table.Name).ToList();
        Assert.Equal(["attributed_incidents", "attributed_pull_requests", "attributed_reviews", "commit_shipments", "deployment_environments", "deployment_failure_evidence",
            "failed_production_attempts", "production_deployments", "pull_request_shipments", "service_repositories"], tables.Order(StringComparer.Ordinal));
        // environment_classification adds up deployment_environments (migration 0024).
        Assert.True(tables.IndexOf("deployment_environments") < tables.IndexOf("production_deployments"));
        Assert.True(tables.IndexOf("deployment_environments") < tables.IndexOf("failed_production_attempts"));
        Assert.True(tables.IndexOf("production_deployments") < tables.IndexOf("commit_shipments"));
        Assert.True(tables.IndexOf("production_deployments") < tables.IndexOf("deployment_failure_evidence"));
        Assert.True(tables.IndexOf("attributed_incidents") < tables.IndexOf("deployment_failure_evidence"));
        Assert.True(tables.IndexOf("commit_shipments") < tables.IndexOf("attributed_pull_requests"));
        Assert.True(tables.IndexOf("commit_shipments") < tables.IndexOf("pull_request_shipments"));
        Assert.True(tables.IndexOf("attributed_pull_requests") < tables.IndexOf("attributed_reviews"));

        var existing = (await store.QueryAsync<NameRow>("SELECT name FROM system.tables WHERE database = currentDatabase()")).Select(row => row.Name).ToHashSet();
        foreach (var table in store.Tables)
        {
            Assert.All(table.Sources, source => Assert.Contains(source, existing));
        }
    }

    private static async Task<List<string>> ProductionDeploymentsAsync(IClickHouseStore store) =>
        (await store.QueryAsync<DeploymentRow>("SELECT deployment_id, team FROM production_deployments ORDER BY deployment_id"))
            .Select(row => $"{row.DeploymentId}:{row.Team}").ToList();

    private static async Task<DateTimeOffset> LastRefreshAsync(IClickHouseStore store) =>
        (await store.QueryAsync<RefreshRow>("SELECT max(refreshed_at) AS at FROM derived_refreshes WHERE name = 'production_deployments'")).Single().At;

    private sealed record DeploymentRow(string DeploymentId, string Team);

    private sealed record AttemptRow(string DeploymentId, string Team);

    private sealed record CountRow(ulong Rows);

    private sealed record RefreshRow(DateTimeOffset At);

    private sealed record NameRow(string Name);

    private static async Task<ulong> RefreshesSinceAsync(IClickHouseStore store, DateTimeOffset before) =>
        Assert.Single(await store.QueryAsync<CountRow>(
            "SELECT count() AS rows FROM derived_refreshes WHERE name = 'production_deployments' AND refreshed_at > {before:DateTime64(3, 'UTC')}",
            QueryParameters.From(("before", before)))).Rows;
}
