using Analytics.Ingestors.Demo;

namespace Analytics.Storage.Tests;

/// <summary>
/// A generated organisation loaded into a fresh database of the test engine and a fresh catalog, with the catalog's
/// ClickHouse mirror synced: the starting point of every property and integration test over demo data.
/// </summary>
public sealed class GeneratedOrganisation : IAsyncDisposable
{
    private GeneratedOrganisation(IClickHouseStore store, CatalogTestDatabase catalog)
    {
        Store = store;
        Catalog = catalog;
    }

    public IClickHouseStore Store { get; }

    public CatalogTestDatabase Catalog { get; }

    public static async Task<GeneratedOrganisation> LoadAsync(string databasePrefix, DemoScale scale, int seed, DateTimeOffset end)
    {
        var store = await EmbeddedEngine.NewMigratedDatabaseAsync(databasePrefix);
        var catalog = await CatalogTestDatabase.CreateMigratedAsync();
        await DemoOrganisationLoader.LoadAsync(store, new CatalogSeeding(catalog.Contexts, TimeProvider.System), scale, seed, end);
        await new CatalogMirrorSync(catalog.MirrorExport, store).SyncAsync();
        return new GeneratedOrganisation(store, catalog);
    }

    /// <summary>The stored rows, deduplicated, as the DORA oracle's records.</summary>
    public Task<DoraHistory> ReadDoraHistoryAsync() => ReadDoraHistoryAsync(Store);

    /// <summary>What the DORA oracle computes from, as stored in <paramref name="store"/>.</summary>
    public static Task<DoraHistory> ReadDoraHistoryAsync(IClickHouseStore store) => StoredHistory.ReadDoraHistoryAsync(store);

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        await Catalog.DisposeAsync();
    }
}
