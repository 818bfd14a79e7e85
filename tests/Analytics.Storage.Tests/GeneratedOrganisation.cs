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
    public static async Task<DoraHistory> ReadDoraHistoryAsync(IClickHouseStore store) => new(
        await store.QueryAsync<DeploymentEvent>("SELECT deployment_id, service, environment, status, kind, related_deployment_id, source, started_at, finished_at, repository, sha, ref FROM deployments FINAL"),
        await store.QueryAsync<DeploymentCommitLink>("SELECT deployment_id, repository, sha, link, touches_paths FROM deployment_commits FINAL"),
        await store.QueryAsync<CommitEvent>("SELECT repository, sha, authored_at, committed_at, message, reverts FROM commits FINAL"),
        await store.QueryAsync<IncidentEvent>("SELECT incident_id, service, started_at, resolved_at, caused_by_deployment_id, severity FROM incidents FINAL"),
        await store.QueryAsync<OwnershipRange>("SELECT service, team, valid_from, valid_to FROM catalog_service_ownership"),
        await store.QueryAsync<ProductionRule>("SELECT source, pattern, is_production FROM catalog_production_environments"))
    {
        PullRequests = await store.QueryAsync<MergedPullRequest>(
            "SELECT repository, number, title, head_branch, labels, merge_sha FROM pull_requests FINAL WHERE merged_at IS NOT NULL"),
        Services = await store.QueryAsync<ServiceRepositoryLink>("SELECT service, repository FROM catalog_services"),
    };

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        await Catalog.DisposeAsync();
    }
}
