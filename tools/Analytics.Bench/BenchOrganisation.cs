using Analytics.Ingestors.Demo;
using Analytics.Storage.Catalog;
using Analytics.Storage.ClickHouse;
using Analytics.Storage.ClickHouse.Embedded;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Analytics.Bench;

/// <summary>A generated organisation in a fresh database of the app's store and a fresh catalog beside it, the mirror synced.</summary>
internal static class BenchOrganisation
{
    public static async Task<(DerivedTablesStore Store, DemoLoadSummary Summary)> LoadAsync(DemoScale scale, int seed, DateTimeOffset end, string dataPath, IProgress<string> progress, CancellationToken cancellationToken)
    {
        var sqlFiles = new SqlFiles();
        var store = new DerivedTablesStore(await ChDbStore.OpenAsync(dataPath, $"bench_{Guid.NewGuid():N}", cancellationToken), sqlFiles);
        await new MigrationRunner(store, sqlFiles).MigrateAsync(cancellationToken);
        var contexts = new PooledDbContextFactory<CatalogDbContext>(new DbContextOptionsBuilder<CatalogDbContext>().UseSqlite($"Data Source={Path.Combine(dataPath, "catalog.db")}").Options);
        await new CatalogDatabase(contexts).MigrateAsync(cancellationToken);
        progress.Report($"loading the {scale} organisation…");
        var summary = await DemoOrganisationLoader.LoadAsync(store, new CatalogSeeding(contexts, TimeProvider.System), scale, seed, end, progress, cancellationToken);
        await new CatalogMirrorSync(new CatalogMirrorExport(contexts), store).SyncAsync(cancellationToken);
        await store.ExecuteAsync("OPTIMIZE TABLE deployments FINAL", cancellationToken: cancellationToken);
        return (store, summary);
    }
}
