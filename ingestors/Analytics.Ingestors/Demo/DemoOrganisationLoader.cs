using Analytics.Storage.Catalog;
using Analytics.Storage.ClickHouse;

namespace Analytics.Ingestors.Demo;

/// <summary>What one demo load wrote.</summary>
/// <param name="RowsPerTable">Rows sent to each ClickHouse table (re-sent rows included; they dedupe on FINAL reads).</param>
/// <param name="CatalogEntitiesAdded">New catalog rows per entity set, e.g. "teams" → 12; zero on a repeat load.</param>
public sealed record DemoLoadSummary(IReadOnlyDictionary<string, long> RowsPerTable, IReadOnlyDictionary<string, int> CatalogEntitiesAdded)
{
    public long TotalRows => RowsPerTable.Values.Sum();
}

/// <summary>
/// Writes a generated demo organisation into the catalog (SQLite) and its events into ClickHouse.
/// Loading the same scale, seed and end again adds nothing: catalog entities that exist are skipped, and the
/// identical event rows collapse onto the originals in the ReplacingMergeTree tables.
/// </summary>
/// <remarks>
/// The catalog_* mirror tables are not written here: sync them from the catalog afterwards. The catalog is marked
/// as holding demo data (<see cref="CatalogSeeding.MarkDemoAsync"/>), and every page says so.
/// </remarks>
public static class DemoOrganisationLoader
{
    private sealed record CountRow(ulong Rows);

    /// <summary>True if ClickHouse holds no deployments at all: a fresh install, which gets the demo where that is allowed (development, or asked for).</summary>
    public static async Task<bool> IsEmptyAsync(IClickHouseStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var rows = await store.QueryAsync<CountRow>("SELECT count() AS rows FROM (SELECT 1 FROM deployments LIMIT 1)", cancellationToken: cancellationToken);
        return rows.Count == 0 || rows[0].Rows == 0;
    }

    /// <param name="end">The last instant of history; pass the same value (e.g. today at 00:00 UTC) to reload identically.</param>
    public static async Task<DemoLoadSummary> LoadAsync(
        IClickHouseStore store,
        CatalogSeeding catalog,
        DemoScale scale,
        int seed,
        DateTimeOffset end,
        IProgress<string>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(catalog);
        var generator = new DemoOrganisationGenerator(scale, seed, end);

        // Marked before anything is written: a store with any demo row says so on every page.
        await catalog.MarkDemoAsync(cancellationToken);
        // Catalog first: attribution of the events depends on it.
        progress?.Report($"demo: writing catalog ({generator.Catalog.Teams.Count} teams, {generator.Catalog.Services.Count} services)");
        var added = await DemoCatalogWriter.WriteAsync(catalog, generator.Catalog, cancellationToken);

        var rowsPerTable = new Dictionary<string, long>();
        foreach (var table in generator.Tables)
        {
            progress?.Report($"demo: writing {table.Name}");
            rowsPerTable[table.Name] = await store.InsertAsync(table.Name, table.Columns, table.Rows, cancellationToken);
            progress?.Report($"demo: {table.Name}: {rowsPerTable[table.Name]:N0} rows");
        }
        return new DemoLoadSummary(rowsPerTable, added);
    }
}
