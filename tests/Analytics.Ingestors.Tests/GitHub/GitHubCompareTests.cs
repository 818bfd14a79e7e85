using Analytics.Simulators.GitHub;
using Microsoft.EntityFrameworkCore;
using static Analytics.Ingestors.Tests.GitHub.GitHubScenario;

namespace Analytics.Ingestors.Tests.GitHub;

/// <summary>
/// Deployments of shas the default branch's history lacks, linked through GitHub's compare endpoint: the fake
/// server (real Kestrel, real Octokit), the real engine and a real SQLite catalog.
/// </summary>
public sealed class GitHubCompareTests
{
    /// <summary>Pages of one commit, so a comparison of two commits is read over two pages.</summary>
    private static readonly Dictionary<string, string?> OnePerPage = new() { ["PageSize"] = "1" };

    [Fact]
    public async Task A_hotfix_deployed_from_a_release_branch_is_linked_exactly_with_the_commits_between_the_deployments()
    {
        await using var scenario = await GitHubScenario.CreateAsync(HotfixOrganisation("h1"));

        var outcome = await scenario.RunAsync();

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Empty(outcome.Warnings);
        // c1...h1 stores h1 (and c1 again, as the base): the next pair, h1 and c3, is then known and needs no comparison.
        // The first deployment has no previous one to compare with.
        Assert.Equal([$"compare/{Sha("c1")}...{Sha("h1")}?per_page=100"], CompareRequests(scenario));
        // The hotfix is stored with its parent, although it never was on main.
        var parents = await scenario.Host.EngineStore.QueryAsync<ParentsRow>($"SELECT parents FROM commits FINAL WHERE sha = '{Sha("h1")}'");
        Assert.Equal([Sha("c1")], Assert.Single(parents).Parents);
        Assert.Equal(
        [
            "github-deployment-2001 exact " + Sha("c1"),
            "github-deployment-2002 exact " + Sha("h1"), // only the hotfix: c2, committed meanwhile on main, is not on the release branch
            "github-deployment-2003 exact " + Sha("c2"), // back on main: what main gained since c1 (h1 never reached main)
            "github-deployment-2003 exact " + Sha("c3"),
        ], await LinksAsync(scenario));
        // The comparison is recorded, so no later run asks for it again.
        Assert.Equal(
            [$"acme/shop:compare:{Sha("c1")}...{Sha("h1")}"],
            (await scenario.CursorsAsync()).Select(c => c.Resource).Where(r => r.Contains(":compare:", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_second_sync_asks_for_no_comparison_again_and_spends_no_rate_limit()
    {
        await using var scenario = await GitHubScenario.CreateAsync(HotfixOrganisation("h1"));
        Assert.True((await scenario.RunAsync()).Succeeded);
        var links = await LinksAsync(scenario);
        var spent = scenario.GitHub.PointsSpent;
        scenario.GitHub.ClearServed();

        var second = await scenario.RunAsync();

        Assert.True(second.Succeeded, second.Error);
        Assert.Empty(CompareRequests(scenario));
        Assert.All(scenario.GitHub.Served, request => Assert.Equal((true, 304), (request.Conditional, request.Status)));
        Assert.Equal(spent, scenario.GitHub.PointsSpent);
        Assert.Equal(links, await LinksAsync(scenario));
    }

    [Fact]
    public async Task A_comparison_GitHub_answers_404_leaves_the_inferred_link_and_a_warning_naming_repository_base_and_head()
    {
        // Deployment 2002's sha was force-pushed away: GitHub has no commit h9.
        await using var scenario = await GitHubScenario.CreateAsync(HotfixOrganisation("h9"));

        var outcome = await scenario.RunAsync();

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal([(404, 1), (404, 1)], scenario.GitHub.Served.Where(r => r.PathAndQuery.Contains("/compare/", StringComparison.Ordinal)).Select(r => (r.Status, r.Cost)));
        Assert.Equal(2, outcome.Warnings.Count);
        Assert.Contains(outcome.Warnings, w => w.Contains($"acme/shop: GitHub has no comparison {Sha("c1")}...{Sha("h9")}", StringComparison.Ordinal));
        Assert.Contains(outcome.Warnings, w => w.Contains($"acme/shop: GitHub has no comparison {Sha("h9")}...{Sha("c3")}", StringComparison.Ordinal));
        // By time window: 2002 (finished 13:30) gets what was committed after 10:00, 2003 (15:30) what came after 13:30.
        Assert.Equal(
        [
            "github-deployment-2001 exact " + Sha("c1"),
            "github-deployment-2002 inferred " + Sha("c2"),
            "github-deployment-2003 inferred " + Sha("c3"),
        ], await LinksAsync(scenario));
        // Visible where runs are read (`analytics runs`, the admin page) and in the log.
        var run = await scenario.Host.WithCatalogAsync(db => db.IngestRuns.AsNoTracking().OrderByDescending(r => r.Id).FirstAsync());
        Assert.Equal(IngestRunStatus.Succeeded, run.Status);
        Assert.StartsWith("Warning: acme/shop: GitHub has no comparison", run.Error, StringComparison.Ordinal);
        Assert.Contains(scenario.Host.Logs, line => line.Contains($"no comparison {Sha("c1")}...{Sha("h9")}", StringComparison.Ordinal));

        // GitHub will not have the sha again: the next run does not ask (nor warn) again.
        scenario.GitHub.ClearServed();
        var second = await scenario.RunAsync();
        Assert.True(second.Succeeded, second.Error);
        Assert.Empty(CompareRequests(scenario));
        Assert.Empty(second.Warnings);
    }

    [Fact]
    public async Task After_a_first_deployment_from_a_release_branch_the_next_one_ships_only_what_main_gained_since_the_branch()
    {
        // main: c1 (09:00) ← c2 (12:00) ← c3 (15:00); release/1.0: c1 ← r1 (11:00) ← h1 (13:00), never on main.
        // 3001 h1 success 13:30 (the service's first); 3002 c3 success 15:30.
        var (acme, shop) = ShopWithMain();
        shop.Commit("release/1.0", "r1", At(11), "Prepare 1.0", "Ben Okafor", "ben@acme.test", "c1");
        shop.Commit("release/1.0", "h1", At(13), "Fix checkout", "Ben Okafor", "ben@acme.test", "r1");
        Deploy(shop, 3001, "h1", At(13, 30));
        Deploy(shop, 3002, "c3", At(15, 30));
        await using var scenario = await GitHubScenario.CreateAsync(acme, OnePerPage);

        var outcome = await scenario.RunAsync();

        Assert.True(outcome.Succeeded, outcome.Error);
        // h1...c3 lists c2 and c3 only (two pages of one), and h1 is behind c3 by r1 and h1: their side comes from the
        // reverse comparison (two pages too), or the walk from c3 would not stop at h1's history and c1 would ship again.
        Assert.Equal(
        [
            $"compare/{Sha("h1")}...{Sha("c3")}?per_page=1", $"compare/{Sha("h1")}...{Sha("c3")}?per_page=1&page=2",
            $"compare/{Sha("c3")}...{Sha("h1")}?per_page=1", $"compare/{Sha("c3")}...{Sha("h1")}?per_page=1&page=2",
        ], CompareRequests(scenario));
        Assert.Equal(
        [
            "github-deployment-3001 exact " + Sha("c1"), // the first deployment: its history within the look-back
            "github-deployment-3001 exact " + Sha("h1"),
            "github-deployment-3001 exact " + Sha("r1"),
            "github-deployment-3002 exact " + Sha("c2"),
            "github-deployment-3002 exact " + Sha("c3"),
        ], await LinksAsync(scenario));
    }

    [Fact]
    public async Task The_fake_compare_endpoint_answers_304_to_its_own_ETag()
    {
        await using var scenario = await GitHubScenario.CreateAsync(HotfixOrganisation("h1"));
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new("token", GitHubScenario.Token);
        var url = $"{scenario.GitHub.BaseUrl}api/v3/repos/acme/shop/compare/{Sha("h1")}...{Sha("c3")}";

        using var first = await http.GetAsync(url);
        var body = System.Text.Json.Nodes.JsonNode.Parse(await first.Content.ReadAsStringAsync())!;
        using var conditional = new HttpRequestMessage(HttpMethod.Get, url);
        conditional.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var second = await http.SendAsync(conditional);

        Assert.Equal(System.Net.HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(("diverged", 2, 1, 2), ((string?)body["status"], (int)body["ahead_by"]!, (int)body["behind_by"]!, (int)body["total_commits"]!));
        Assert.Equal([Sha("c2"), Sha("c3")], body["commits"]!.AsArray().Select(c => (string?)c!["sha"]));
        Assert.Equal((Sha("h1"), Sha("c1")), ((string?)body["base_commit"]!["sha"], (string?)body["merge_base_commit"]!["sha"]));
        Assert.Equal(System.Net.HttpStatusCode.NotModified, second.StatusCode);
        Assert.Equal([1, 0], scenario.GitHub.Served.Select(r => r.Cost));
    }

    /// <summary>
    /// acme/shop, deployed to production through the Deployments API:
    /// <code>
    /// main:         c1 (09:00) ← c2 (12:00) ← c3 (15:00)
    /// release/1.0:  c1 ← h1 (13:00, the hotfix, cherry-picked: never on main)
    /// 2001 c1 success 10:00 (the first); 2002 <paramref name="hotfix"/> success 13:30; 2003 c3 success 15:30.
    /// </code>
    /// </summary>
    /// <param name="hotfix">The sha deployment 2002 deployed: "h1", or one GitHub does not have (force-pushed away).</param>
    private static FakeOrganisation HotfixOrganisation(string hotfix)
    {
        var (acme, shop) = ShopWithMain();
        shop.Commit("release/1.0", "h1", At(13), "Fix checkout (cherry picked from main)", "Ben Okafor", "ben@acme.test", "c1");
        Deploy(shop, 2001, "c1", At(10));
        Deploy(shop, 2002, hotfix, At(13, 30));
        Deploy(shop, 2003, "c3", At(15, 30));
        return acme;
    }

    /// <summary>acme/shop with main c1 (09:00) ← c2 (12:00) ← c3 (15:00).</summary>
    private static (FakeOrganisation Acme, FakeRepository Shop) ShopWithMain()
    {
        var acme = new FakeOrganisation("acme");
        var shop = acme.Repository("shop");
        shop.Commit("main", "c1", At(9), "Initial commit");
        shop.Commit("main", "c2", At(12), "Add cart", "Ana Lima", "ana@acme.test", "c1");
        shop.Commit("main", "c3", At(15), "Add search", "Ana Lima", "ana@acme.test", "c2");
        return (acme, shop);
    }

    /// <summary>A successful production deployment (Deployments API) of <paramref name="sha"/>, created five minutes before it finished.</summary>
    private static void Deploy(FakeRepository repository, long id, string sha, DateTimeOffset finished)
    {
        var deployment = new FakeDeployment { Id = id, Sha = Sha(sha), Environment = "production", CreatedAt = finished.AddMinutes(-5) };
        deployment.Statuses.Add(new FakeDeploymentStatus(id * 10, "success", finished));
        repository.Deployments.Add(deployment);
    }

    private static IReadOnlyList<string> CompareRequests(GitHubScenario scenario) =>
        scenario.GitHub.Served.Select(r => r.PathAndQuery).Where(p => p.Contains("/compare/", StringComparison.Ordinal))
            .Select(p => p[p.IndexOf("compare/", StringComparison.Ordinal)..]).ToList();

    private static async Task<IReadOnlyList<string>> LinksAsync(GitHubScenario scenario) =>
        (await scenario.Host.EngineStore.QueryAsync<LinkRow>("SELECT deployment_id, link, sha FROM deployment_commits FINAL ORDER BY deployment_id, sha"))
            .Select(l => $"{l.DeploymentId} {l.Link} {l.Sha}").ToList();

    private sealed record ParentsRow(string[] Parents);

    private sealed record LinkRow(string DeploymentId, string Link, string Sha);
}
