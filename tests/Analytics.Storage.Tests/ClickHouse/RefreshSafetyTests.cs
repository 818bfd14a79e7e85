using Analytics.Storage.Catalog;
using Analytics.Storage.ClickHouse.Embedded;
using Analytics.Storage.Tests.Catalog;
using Analytics.Testing;

namespace Analytics.Storage.Tests.ClickHouse;

/// <summary>
/// The derived tables and the catalog mirror with several writers on one database: each store object below has
/// its own in-process lock, as a separate process would, so only what the database shares keeps them apart.
/// </summary>
public sealed class RefreshSafetyTests
{
    private const string DeploymentColumns = DerivedTablesStoreTests.DeploymentColumns;

    [Fact]
    public async Task Two_stores_refreshing_the_same_derived_tables_at_once_leave_no_duplicates_and_no_staging_tables()
    {
        var sqlFiles = new SqlFiles();
        await using var writer = await EmbeddedEngine.NewMigratedDatabaseAsync("refresh_race");
        await writer.ExecuteAsync("INSERT INTO catalog_production_environments (source, pattern) VALUES ('', 'production')");
        await using var first = new DerivedTablesStore(await ChDbStore.OpenAsync(EmbeddedEngine.DataPath, writer.Database), sqlFiles, TimeSpan.Zero);
        await using var second = new DerivedTablesStore(await ChDbStore.OpenAsync(EmbeddedEngine.DataPath, writer.Database), sqlFiles, TimeSpan.Zero);

        for (var round = 1; round <= 6; round++)
        {
            await writer.ExecuteAsync($"INSERT INTO deployments {DeploymentColumns} VALUES ('d{round}', 'api', 'production', 'success', 'normal', '', 'acme/api', 's{round}', '2025-01-0{round} 10:00:00', '2025-01-0{round} 10:05:00', '', 't')");
            await Task.WhenAll(Task.Run(() => first.RefreshStaleAsync()), Task.Run(() => second.RefreshStaleAsync()));

            var rows = (await writer.QueryAsync<CountRow>("SELECT count() AS total, uniqExact(deployment_id) AS distinct_ids FROM production_deployments")).Single();
            Assert.Equal(((ulong)round, (ulong)round), (rows.Total, rows.DistinctIds));
        }
        var leftovers = await writer.QueryAsync<NameRow>(
            "SELECT name FROM system.tables WHERE database = currentDatabase() AND (name LIKE '%\\_\\_next%' OR name LIKE 'lock\\_\\_%')");
        Assert.Empty(leftovers);
    }

    [Fact]
    public async Task A_failing_refresh_keeps_serving_the_last_good_tables_and_says_since_when_and_why()
    {
        var failing = new FailingStore(await EmbeddedEngine.NewDatabaseAsync("refresh_fail"));
        await new MigrationRunner(failing, new SqlFiles()).MigrateAsync();
        await using var store = new DerivedTablesStore(failing, new SqlFiles());
        await store.ExecuteAsync("INSERT INTO catalog_production_environments (source, pattern) VALUES ('', 'production')");
        await store.ExecuteAsync($"INSERT INTO deployments {DeploymentColumns} VALUES ('d1', 'api', 'production', 'success', 'normal', '', 'acme/api', 's1', '2025-01-01 10:00:00', '2025-01-01 10:05:00', '', 't')");
        Assert.Equal(["d1"], await DeploymentIdsAsync(store));
        Assert.False(store.Status.Failed);

        failing.FailOn = "INSERT INTO production_deployments__next_";
        await store.ExecuteAsync($"INSERT INTO deployments {DeploymentColumns} VALUES ('d2', 'api', 'production', 'success', 'normal', '', 'acme/api', 's2', '2025-01-02 10:00:00', '2025-01-02 10:05:00', '', 't')");

        Assert.Equal(["d1"], await DeploymentIdsAsync(store));   // served, from the last good table
        Assert.True(store.Status.Failed);
        Assert.Equal("Memory limit (total) exceeded", store.Status.Failure);
        Assert.NotNull(store.Status.FiguresFrom);
        Assert.Empty(await failing.QueryAsync<NameRow>("SELECT name FROM system.tables WHERE database = currentDatabase() AND name LIKE '%\\_\\_next%'"));

        failing.FailOn = null;
        await store.RefreshStaleAsync();
        Assert.Equal(["d1", "d2"], await DeploymentIdsAsync(store));
        Assert.False(store.Status.Failed);
    }

    [Fact]
    public async Task A_reader_never_sees_an_empty_mirror_table_while_the_catalog_is_synced_again_and_again()
    {
        await using var catalog = await CatalogTestDatabase.CreateMigratedAsync();
        await catalog.AddServiceAsync("api");
        await catalog.AddServiceAsync("web");
        await using var store = await EmbeddedEngine.NewMigratedDatabaseAsync("mirror_swap");
        var sync = new CatalogMirrorSync(catalog.MirrorExport, store);
        await sync.SyncAsync();
        await using var reader = await ChDbStore.OpenAsync(EmbeddedEngine.DataPath, store.Database);

        using var stop = new CancellationTokenSource();
        var counts = new List<ulong>();
        var reading = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                counts.Add((await reader.QueryAsync<CountRow>($"SELECT count() AS total, 0 AS distinct_ids FROM {ServiceMirrorRow.TableName}")).Single().Total);
            }
        });
        for (var i = 0; i < 15; i++)
        {
            await sync.SyncAsync();
        }
        await stop.CancelAsync();
        await reading;

        Assert.NotEmpty(counts);
        Assert.All(counts, count => Assert.Equal(2UL, count));
    }

    private static async Task<List<string>> DeploymentIdsAsync(IClickHouseStore store) =>
        (await store.QueryAsync<NameRow>("SELECT deployment_id AS name FROM production_deployments ORDER BY deployment_id")).Select(row => row.Name).ToList();

    private sealed record CountRow(ulong Total, ulong DistinctIds);

    private sealed record NameRow(string Name);
}
