using Analytics.Core.Dora;
using Analytics.Ingestors.Git;
using Analytics.Ingestors.Linking;
using Analytics.Ingestors.Tests.Linking;
using Analytics.Storage.Catalog;
using Analytics.Storage.ClickHouse;
using Analytics.Storage.Metrics;
using Microsoft.Extensions.Options;

namespace Analytics.Ingestors.Tests.Git;

/// <summary>
/// One repository, two services that own paths of it (a real SQLite catalog, its mirror, the real engine): each
/// commit's changed files come from the clone, and each service's deployments ship the commits touching its paths.
/// </summary>
public sealed class MonorepoIngestTests
{
    private const string Repository = "acme/shop";
    private static readonly DateTimeOffset Monday = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_commit_goes_to_the_services_whose_paths_it_touches_not_to_whichever_deploys_first()
    {
        using var git = TestRepository.Create();
        var cart = git.Commit("main", "cart: basket", Monday, paths: ["services/cart/basket.txt"]);
        var search = git.Commit("main", "search: index", Monday.AddHours(1), paths: ["services/search/index.txt"]);
        var both = git.Commit("main", "money type for both", Monday.AddHours(2), paths: ["services/cart/money.txt", "services/search/money.txt"]);
        var docs = git.Commit("main", "docs", Monday.AddHours(3), paths: ["docs/readme.txt"]);
        // search deploys first: before paths, it took every commit of the repository, and cart none.
        git.TagAnnotated("search-v1", docs, Monday.AddHours(4));
        git.TagAnnotated("cart-v1", docs, Monday.AddHours(8));

        await using var store = await EngineDatabase.CreateMigratedAsync("monorepo");
        await using var catalog = await TestCatalog.CreateAsync();
        await using (var db = await catalog.Contexts.CreateDbContextAsync())
        {
            var (alpha, beta) = (new Team { Slug = "alpha", Name = "Alpha" }, new Team { Slug = "beta", Name = "Beta" });
            db.AddRange(
                new ServiceOwnership { Team = alpha, ValidFrom = Monday.AddYears(-1), Service = new Service { Slug = "cart", Name = "Cart", Repository = Repository, Paths = ["services/cart"] } },
                new ServiceOwnership { Team = beta, ValidFrom = Monday.AddYears(-1), Service = new Service { Slug = "search", Name = "Search", Repository = Repository, Paths = ["services/search"] } });
            await db.SaveChangesAsync();
        }
        await new CatalogMirrorSync(catalog.Get<CatalogMirrorExport>(), store).SyncAsync();
        var ingestor = new GitRepositoryIngestor(store, new DeploymentLinker(store, Options.Create(new MetricOptions())));

        await ingestor.IngestAsync(new GitIngestRequest(git.Path, "search", Repository, "main", TagPattern.Parse("search-v*")), cursor: null);
        await ingestor.IngestAsync(new GitIngestRequest(git.Path, "cart", Repository, "main", TagPattern.Parse("cart-v*")), cursor: null);

        var paths = await store.QueryAsync<PathsRow>("SELECT sha, paths FROM commit_paths FINAL");
        Assert.Equal(["services/cart/money.txt", "services/search/money.txt"], paths.Single(p => p.Sha == both.Sha).Paths);
        var links = await store.QueryAsync<LinkRow>("SELECT service, sha, touches_paths FROM deployment_commits FINAL ORDER BY service, sha");
        Assert.Equal(
            new[] { ("cart", cart.Sha), ("cart", both.Sha), ("search", search.Sha), ("search", both.Sha) }.Order().ToList(),
            links.Select(l => (l.Service, l.Sha)).Order().ToList());
        Assert.All(links, link => Assert.True(link.TouchesPaths));

        // Lead time per team: alpha (cart) 8 h and 6 h; beta (search) 3 h and 2 h. The docs commit is no service's.
        var dora = await new DoraQueries(store, new SqlFiles(), Options.Create(new MetricOptions())).SummariesAsync(new DoraRequest(Monday.AddDays(-1), Monday.AddDays(6)));
        var teams = dora.Teams.ToDictionary(t => t.Team);
        Assert.Equal((2, TimeSpan.FromHours(7)), (teams["alpha"].LeadTime.Changes, teams["alpha"].LeadTime.Median!.Value));
        Assert.Equal((2, TimeSpan.FromHours(2.5)), (teams["beta"].LeadTime.Changes, teams["beta"].LeadTime.Median!.Value));
    }

    private sealed record PathsRow(string Sha, string[] Paths);

    private sealed record LinkRow(string Service, string Sha, bool TouchesPaths);
}
