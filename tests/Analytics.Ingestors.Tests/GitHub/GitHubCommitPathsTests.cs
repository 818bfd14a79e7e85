using Analytics.Simulators.GitHub;
using static Analytics.Ingestors.Tests.GitHub.GitHubScenario;

namespace Analytics.Ingestors.Tests.GitHub;

/// <summary>
/// A commit's changed files come only from GitHub's single-commit endpoint, one request per commit: read for the
/// repositories a source lists in CommitPaths, and never otherwise (fake server, real Octokit, real engine).
/// </summary>
public sealed class GitHubCommitPathsTests
{
    [Fact]
    public async Task The_changed_files_of_new_commits_are_read_one_request_each_for_a_repository_in_CommitPaths_only()
    {
        await using var scenario = await GitHubScenario.CreateAsync(Monorepo(), new Dictionary<string, string?> { ["CommitPaths"] = "acme/shop" });

        var outcome = await scenario.RunAsync();

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal([$"/commits/{Sha("c1")}", $"/commits/{Sha("c2")}"], SingleCommitRequests(scenario));
        var rows = await scenario.Host.EngineStore.QueryAsync<PathsRow>("SELECT sha, paths FROM commit_paths FINAL ORDER BY sha");
        Assert.Equal([(Sha("c1"), "services/cart/basket.cs"), (Sha("c2"), "docs/readme.md|services/search/index.cs")],
            rows.Select(r => (r.Sha, string.Join('|', r.Paths))).ToList());

        // The next sync reads no commit again: its files are not asked for again either.
        scenario.GitHub.ClearServed();
        Assert.True((await scenario.RunAsync()).Succeeded);
        Assert.Empty(SingleCommitRequests(scenario));
    }

    [Fact]
    public async Task Without_CommitPaths_no_commit_is_asked_for_and_files_stay_unknown()
    {
        await using var scenario = await GitHubScenario.CreateAsync(Monorepo());

        Assert.True((await scenario.RunAsync()).Succeeded);

        Assert.Empty(SingleCommitRequests(scenario));
        Assert.Equal(0, await scenario.Host.CountAsync("commit_paths"));
    }

    /// <summary>acme/shop: main c1 (09:00, cart) ← c2 (12:00, search and docs).</summary>
    private static FakeOrganisation Monorepo()
    {
        var acme = new FakeOrganisation("acme");
        var shop = acme.Repository("shop");
        shop.Commit("main", "c1", At(9), "Cart basket");
        shop.Commit("main", "c2", At(12), "Search index", "Ana Lima", "ana@acme.test", "c1");
        shop.Touch("c1", "services/cart/basket.cs");
        shop.Touch("c2", "services/search/index.cs", "docs/readme.md");
        return acme;
    }

    private static List<string> SingleCommitRequests(GitHubScenario scenario) =>
        scenario.GitHub.Served.Select(r => r.PathAndQuery).Where(path => path.Contains("/commits/", StringComparison.Ordinal) && !path.Contains("/pulls/", StringComparison.Ordinal))
            .Select(path => path[path.IndexOf("/commits/", StringComparison.Ordinal)..]).Order(StringComparer.Ordinal).ToList();

    private sealed record PathsRow(string Sha, string[] Paths);
}
