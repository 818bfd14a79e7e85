using System.Diagnostics;
using Analytics.Ingestors.Demo;
using Analytics.Storage.Catalog;
using Analytics.Storage.ClickHouse;
using Analytics.Storage.ClickHouse.Embedded;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Analytics.Bench;

/// <summary>
/// The generated organisation in an embedded engine and catalog of the benchmark's own under <c>dataPath</c> (in the
/// app's layout, <see cref="BenchmarkHost"/>), as the app holds it after the demo load: events, catalog mirror,
/// deduplicated deployments, refreshed derived tables.
/// </summary>
/// <remarks>
/// With <c>refresh: false</c> the derived tables are left stale, for a benchmark that times that first rebuild itself
/// (Refresh is then zero). A <c>dataPath</c> that already holds the same scale and seed (<see cref="BenchmarkStore"/>)
/// is reused: nothing is loaded, <see cref="Reused"/> is set, and Load, Refresh and the rows are those recorded when it
/// was loaded.
/// </remarks>
/// <param name="Timings">The engine under the store, timing statements while asked to (<see cref="StatementTimings.Recording"/>).</param>
public sealed record GeneratedOrganisationStore(DerivedTablesStore Store, SqlFiles SqlFiles, LoadedOrganisation Organisation, bool Reused, TimeSpan Load, TimeSpan Refresh, StatementTimings Timings)
    : IAsyncDisposable
{
    /// <param name="memory">The engine's limits (null: ClickHouse's defaults, as the benchmarks always ran).</param>
    public static async Task<GeneratedOrganisationStore> LoadAsync(DemoScale scale, int seed, DateTimeOffset end, string dataPath,
        IProgress<string> progress, CancellationToken cancellationToken, bool refresh = true, EngineMemoryLimits? memory = null)
    {
        // Checked before the engine opens the folder: a wrong store is refused without touching it.
        var existing = BenchmarkStore.Find(dataPath, scale, seed);
        var sqlFiles = new SqlFiles();
        var timings = new StatementTimings(await ChDbStore.OpenAsync(BenchmarkHost.EnginePath(dataPath), BenchmarkStore.Database, cancellationToken, memory));
        var store = new DerivedTablesStore(timings, sqlFiles);
        try
        {
            await new MigrationRunner(store, sqlFiles).MigrateAsync(cancellationToken);
            var contexts = new PooledDbContextFactory<CatalogDbContext>(new DbContextOptionsBuilder<CatalogDbContext>().UseSqlite(BenchmarkHost.CatalogConnectionString(dataPath)).Options);
            await new CatalogDatabase(contexts).MigrateAsync(cancellationToken);
            if (existing is not null)
            {
                progress.Report($"reusing the organisation in {dataPath} ({existing.Describe()})…");
                // A store the app has served may have been written since (its own refresh keeps it current); the
                // benchmark then times queries over what it holds, as the app would.
                await store.RefreshStaleAsync(cancellationToken);
                return new GeneratedOrganisationStore(store, sqlFiles, existing, Reused: true,
                    TimeSpan.FromSeconds(existing.LoadSeconds ?? 0), TimeSpan.FromSeconds(existing.RefreshSeconds ?? 0), timings);
            }

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
            var organisation = new LoadedOrganisation(BenchmarkStore.Name(scale), seed, end, summary.TotalRows, load.Elapsed.TotalSeconds,
                refresh ? refreshed.Elapsed.TotalSeconds : null, DateTimeOffset.UtcNow);
            if (refresh)
            {
                // Only a store with its derived tables built is one the other benchmarks may reuse as is.
                BenchmarkStore.Mark(dataPath, organisation);
            }
            return new GeneratedOrganisationStore(store, sqlFiles, organisation, Reused: false, load.Elapsed, refresh ? refreshed.Elapsed : TimeSpan.Zero, timings);
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => Store.DisposeAsync();
}
