using System.Diagnostics;
using Analytics.Core.Dora;
using Analytics.Storage.Catalog;
using Analytics.Storage.ClickHouse;
using Analytics.Storage.Metrics;
using Microsoft.Extensions.Options;

namespace Analytics.Storage;

/// <summary>Brings both stores to the current schema and refreshes the catalog mirror and the mirrored metric settings.</summary>
public sealed class StoreStartup(MigrationRunner migrations, CatalogDatabase catalog, CatalogMirrorSync mirror, IClickHouseStore store, IOptions<MetricOptions> metrics)
{
    /// <returns>How long each step took, for the start-up's log line (what a slow start spent its time on).</returns>
    public async Task<StoreStartupTimings> RunAsync(CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        await catalog.MigrateAsync(cancellationToken);
        var catalogSchema = watch.Elapsed;
        await migrations.MigrateAsync(cancellationToken);
        var engineSchema = watch.Elapsed - catalogSchema;
        await mirror.SyncAsync(cancellationToken);
        await HotfixRulesSync.SyncAsync(store, metrics.Value, cancellationToken);
        return new StoreStartupTimings(catalogSchema, engineSchema, watch.Elapsed - catalogSchema - engineSchema);
    }
}

/// <param name="CatalogSchema">The SQLite catalog's migrations (applied or checked).</param>
/// <param name="EngineSchema">ClickHouse's numbered migrations (applied or checked).</param>
/// <param name="Mirrors">The catalog's mirror into ClickHouse and the mirrored metric settings.</param>
public sealed record StoreStartupTimings(TimeSpan CatalogSchema, TimeSpan EngineSchema, TimeSpan Mirrors);
