using Analytics.Storage.Catalog;
using Analytics.Storage.ClickHouse;

namespace Analytics.Storage;

/// <summary>Brings both stores to the current schema and refreshes the catalog mirror.</summary>
public sealed class StoreStartup(MigrationRunner migrations, CatalogDatabase catalog, CatalogMirrorSync mirror)
{
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        await catalog.MigrateAsync(cancellationToken);
        await migrations.MigrateAsync(cancellationToken);
        await mirror.SyncAsync(cancellationToken);
    }
}
