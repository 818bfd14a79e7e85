using Analytics.Simulators.GitHub;

namespace Analytics.Ingestors.Tests.GitHub;

/// <summary>The organisation `analytics-bench github` syncs, small enough for a test: its request counts are the benchmark's, checked.</summary>
public sealed class GeneratedOrganisationSyncTests
{
    [Fact]
    public async Task A_generated_organisation_costs_the_requests_worked_out_below_and_an_unchanged_one_costs_no_point()
    {
        var organisation = GeneratedOrganisation.Create("acme", repositories: 2, pullRequestsPerRepository: 250, end: GitHubScenario.Start.AddDays(-1));
        await using var scenario = await GitHubScenario.CreateAsync(organisation);

        var full = await scenario.RunAsync();

        Assert.True(full.Succeeded, full.Error);
        // Per repository: main holds 1 + 225 merged × (2 commits + 1 merge) = 676 commits → 7 pages of 100;
        // 250 pull requests → 3 pages, and 2 requests each (commits, reviews) = 500; deployments of main after every
        // 20th (12) and hotfixes after every 100th (2) → 1 page + 14 status requests; releases, workflows and incident
        // issues (2) → 1 page each; each hotfix's sha is not on main, so its pair with the main deployment before it
        // takes 1 comparison (one commit: 1 page) = 2 — the pair with the main deployment after it needs none, the
        // comparison having stored the hotfix. 2 × 530, plus the organisation's repository list.
        const int Expected = 2 * (7 + 3 + 500 + 1 + 14 + 1 + 1 + 1 + 2) + 1;
        Assert.Equal(Expected, scenario.GitHub.Served.Count);
        Assert.Equal(Expected, scenario.GitHub.PointsSpent);
        Assert.Equal(500, await scenario.Host.CountAsync("pull_requests FINAL"));
        Assert.Equal(28, await scenario.Host.CountAsync("deployments FINAL"));
        Assert.Equal(4, await scenario.Host.CountAsync("incidents FINAL"));
        // main's, the open pull requests' (25 × 2) and the hotfixes (2), per repository.
        Assert.Equal(2 * 676 + 2 * 25 * 2 + 2 * 2, await scenario.Host.CountAsync("commits FINAL"));
        // Every link is exact, the hotfixes' included: each hotfix deployment ships one commit, its hotfix (commit 03 of its pull request's shas).
        Assert.Equal(0, await scenario.Host.CountAsync("deployment_commits FINAL", "link = 'inferred'"));
        Assert.Equal(4, await scenario.Host.CountAsync("deployment_commits FINAL", "substring(sha, 13, 2) = '03'"));
        Assert.Equal(4, await scenario.Host.CountAsync(
            "deployment_commits FINAL", "deployment_id IN ('github-deployment-1500100', 'github-deployment-1500200', 'github-deployment-2500100', 'github-deployment-2500200')"));

        scenario.GitHub.ClearServed();
        var incremental = await scenario.RunAsync();

        Assert.True(incremental.Succeeded, incremental.Error);
        // The repository list, and per repository the first page of its six lists, each answered 304.
        Assert.Equal(1 + 2 * 6, scenario.GitHub.Served.Count);
        Assert.All(scenario.GitHub.Served, request => Assert.Equal((true, 304, 0), (request.Conditional, request.Status, request.Cost)));
        Assert.Equal(Expected, scenario.GitHub.PointsSpent);
    }
}
