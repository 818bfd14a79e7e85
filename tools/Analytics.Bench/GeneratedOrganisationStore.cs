using System.Diagnostics;
using Analytics.Ingestors.Demo;
using Analytics.Storage.Catalog;
using Analytics.Storage.ClickHouse;
using Analytics.Storage.ClickHouse.Embedded;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Analytics.Bench;

/// <summary>
/// The generated organisation in an embedded engine and catalog of the benchmark's own under <c>dataPath</c>, as the
/// app holds it after the demo load: events, catalog mirror, deduplicated deployments, refreshed derived tables.
/// </summary>
/// <remarks>With <c>refresh: false</c> the derived tables are left stale, for a benchmark that times that first rebuild itself (Refresh is then zero).</remarks>
/// <param name="Timings">The engine under the store, timing statements while asked to (<see cref="StatementTimings.Recording"/>).</param>
public sealed record GeneratedOrganisationStore(DerivedTablesStore Store, SqlFiles SqlFiles, DemoLoadSummary Summary, TimeSpan Load, TimeSpan Refresh, StatementTimings Timings)
    : IAsyncDisposable
{
    public static async Task<GeneratedOrganisationStore> LoadAsync(DemoScale scale, int seed, DateTimeOffset end, string dataPath,
        IProgress<string> progress, CancellationToken cancellationToken, bool refresh = true)
    {
        var sqlFiles = new SqlFiles();
        var timings = new StatementTimings(await ChDbStore.OpenAsync(dataPath, $"bench_{Guid.NewGuid():N}", cancellationToken));
        var store = new DerivedTablesStore(timings, sqlFiles);
        try
        {
            await new MigrationRunner(store, sqlFiles).MigrateAsync(cancellationToken);
            var catalogPath = Path.Combine(dataPath, "catalog.db");
            var contexts = new PooledDbContextFactory<CatalogDbContext>(new DbContextOptionsBuilder<CatalogDbContext>().UseSqlite($"Data Source={catalogPath}").Options);
            await new CatalogDatabase(contexts).MigrateAsync(cancellationToken);

            progress.Report($"loading the {scale} organisation…");
            var load = Stopwatch.StartNew();
            var summary = await DemoOrganisationLoader.LoadAsync(store, new CatalogSeeding(contexts, TimeProvider.System), scale, seed, end, progress, cancellationToken);
            await new CatalogMirrorSync(new CatalogMirrorExport(contexts), store).SyncAsync(cancellationToken);
            await store.ExecuteAsync("OPTIMIZE TABLE deployments FINAL", cancellationToken: cancellationToken);
            load.Stop();
            var refreshed = Stopwatch.StartNew();
            if (refresh)
            {
                progress.Report("refreshing the derived tables…");
                await store.RefreshStaleAsync(cancellationToken);
            }
            refreshed.Stop();
            return new GeneratedOrganisationStore(store, sqlFiles, summary, load.Elapsed, refresh ? refreshed.Elapsed : TimeSpan.Zero, timings);
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => Store.DisposeAsync();
}
