using Analytics.Core.Dora;
using Analytics.Storage.Catalog;
using Analytics.Storage.ClickHouse;
using Analytics.Storage.Metrics;
using Microsoft.Extensions.Options;

namespace Analytics.Storage;

/// <summary>Brings both stores to the current schema and refreshes the catalog mirror and the mirrored metric settings.</summary>
public sealed class StoreStartup(MigrationRunner migrations, CatalogDatabase catalog, CatalogMirrorSync mirror, IClickHouseStore store, IOptions<MetricOptions> metrics)
{
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        await catalog.MigrateAsync(cancellationToken);
        await migrations.MigrateAsync(cancellationToken);
        await mirror.SyncAsync(cancellationToken);
        await HotfixRulesSync.SyncAsync(store, metrics.Value, cancellationToken);
    }
}
