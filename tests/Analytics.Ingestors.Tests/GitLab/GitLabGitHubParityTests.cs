using Analytics.Ingestors.Tests.GitHub;
using Analytics.Simulators.GitHub;

namespace Analytics.Ingestors.Tests.GitLab;

/// <summary>
/// One generated organisation served by the GitHub simulator and by the GitLab simulator, each synced into its own
/// store by its own source: what the DORA and pull-request figures read comes out the same. Compared are the
/// engine's derived tables every figure query reads (production deployments with their kinds, the commits each
/// shipped with lead-time inputs, attributed pull requests with their reviews and deploy times) and the event
/// tables under them (<see cref="ParityTables"/>).
/// </summary>
public sealed class GitLabGitHubParityTests
{
    [Fact]
    public async Task The_same_organisation_from_GitHub_and_from_GitLab_gives_the_same_DORA_and_pull_request_figures()
    {
        // 120 pull requests a repository: merged and open ones, comments and approvals, six production deployments
        // and a hotfix deployed from a release branch (linked by ancestry only once its history is read).
        var end = GitHubScenario.Start.AddDays(-1);
        await using var gitHub = await GitHubScenario.CreateAsync(
            GeneratedOrganisation.Create("acme", repositories: 2, pullRequestsPerRepository: 120, end),
            new Dictionary<string, string?> { ["IncidentLabels"] = null });
        var organisation = GeneratedOrganisation.Create("acme", repositories: 2, pullRequestsPerRepository: 120, end);
        await using var gitLab = await GitLabScenario.CreateAsync(organisation);

        var fromGitHub = await gitHub.RunAsync();
        var fromGitLab = await gitLab.RunAsync();

        Assert.True(fromGitHub.Succeeded, fromGitHub.Error);
        Assert.True(fromGitLab.Succeeded, fromGitLab.Error);
        Assert.Empty(fromGitLab.Warnings);
        await ParityTables.AssertSameAsync(gitHub.Host.EngineStore, "GitHub", gitLab.Host.EngineStore, "GitLab", ParityTables.Compared);
        // Every link exact from both, the hotfixes' included (GitLab: read from the hotfix's own history).
        Assert.Equal(0, await gitLab.Host.CountAsync("deployment_commits FINAL", "link = 'inferred'"));
        Assert.Equal(2, await gitLab.Host.CountAsync("deployment_commits FINAL", "substring(sha, 13, 2) = '03'"));

        // The default branch's commits are the same; GitHub stores open pull requests' branch commits too, GitLab
        // lists those without parents and so leaves them out (docs/ingestion.md).
        var openBranchCommits = organisation.Repositories.Sum(r => r.Pulls.Where(p => p.MergedAt is null).Sum(p => p.CommitShas.Count));
        var gitHubCommits = await ParityTables.RowsAsync(gitHub.Host.EngineStore, "commits FINAL", ParityTables.CommitColumns);
        var gitLabCommits = await ParityTables.RowsAsync(gitLab.Host.EngineStore, "commits FINAL", ParityTables.CommitColumns);
        Assert.Empty(gitLabCommits.Except(gitHubCommits));
        Assert.Equal(gitHubCommits.Count - openBranchCommits, gitLabCommits.Count);
    }
}
