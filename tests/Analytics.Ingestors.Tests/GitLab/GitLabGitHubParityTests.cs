using Analytics.Ingestors.Tests.GitHub;
using Analytics.Simulators.GitHub;

namespace Analytics.Ingestors.Tests.GitLab;

/// <summary>
/// One generated organisation served by the GitHub simulator and by the GitLab simulator, each synced into its own
/// store by its own source: what the DORA and pull-request figures read comes out the same. Compared are the
/// engine's derived tables every figure query reads (production deployments with their kinds, the commits each
/// shipped with lead-time inputs, attributed pull requests with their reviews and deploy times) and the event
/// tables under them; deployment ids differ only by their source's prefix, which is taken off.
/// </summary>
public sealed class GitLabGitHubParityTests
{
    /// <summary>The table, its columns as compared (ids without the source prefix; urls and source names left out), its sort.</summary>
    private static readonly (string Table, string Columns)[] Compared =
    [
        ("production_deployments", "Strip(deployment_id), service, environment, kind, Strip(related_deployment_id), repository, sha, started_at, finished_at, team, Strip(kind_evidence)"),
        ("commit_shipments", "repository, sha, deployed_at, Strip(deployment_id), owner, link, authored_at, committed_at"),
        ("attributed_pull_requests", "repository, number, title, author_login, author_is_bot, opened_at, first_commit_at, merged_at, closed_at, merge_sha, team, reviews, deployed_at"),
        ("pull_requests FINAL", "repository, number, title, author_login, author_is_bot, base_branch, opened_at, first_commit_at, first_review_at, merged_at, closed_at, merge_sha, head_branch, labels"),
        ("pull_request_commits FINAL", "repository, number, sha"),
        ("pull_request_reviews FINAL", "repository, number, reviewer_login, reviewer_is_bot, state, submitted_at"),
        ("deployments FINAL", "Strip(deployment_id), service, environment, status, kind, repository, sha, started_at, finished_at, ref"),
        ("deployment_commits FINAL", "Strip(deployment_id), service, repository, sha, link"),
    ];

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
        foreach (var (table, columns) in Compared)
        {
            var expected = await RowsAsync(gitHub.Host.EngineStore, table, columns);
            var actual = await RowsAsync(gitLab.Host.EngineStore, table, columns);
            Assert.NotEmpty(expected);
            Assert.True(expected.SequenceEqual(actual), $"{table} differs: only from GitHub: {string.Join("; ", expected.Except(actual).Take(3))}; only from GitLab: {string.Join("; ", actual.Except(expected).Take(3))}");
        }
        // Every link exact from both, the hotfixes' included (GitLab: read from the hotfix's own history).
        Assert.Equal(0, await gitLab.Host.CountAsync("deployment_commits FINAL", "link = 'inferred'"));
        Assert.Equal(2, await gitLab.Host.CountAsync("deployment_commits FINAL", "substring(sha, 13, 2) = '03'"));

        // The default branch's commits are the same; GitHub stores open pull requests' branch commits too, GitLab
        // lists those without parents and so leaves them out (docs/ingestion.md).
        var openBranchCommits = organisation.Repositories.Sum(r => r.Pulls.Where(p => p.MergedAt is null).Sum(p => p.CommitShas.Count));
        const string CommitColumns = "repository, sha, parents, author_email, author_name, authored_at, committer_email, committed_at, message, reverts";
        var gitHubCommits = await RowsAsync(gitHub.Host.EngineStore, "commits FINAL", CommitColumns);
        var gitLabCommits = await RowsAsync(gitLab.Host.EngineStore, "commits FINAL", CommitColumns);
        Assert.Empty(gitLabCommits.Except(gitHubCommits));
        Assert.Equal(gitHubCommits.Count - openBranchCommits, gitLabCommits.Count);
    }

    /// <summary>The rows of <paramref name="table"/> as sorted text, <c>Strip(x)</c> taking a deployment id's source prefix off.</summary>
    private static async Task<List<string>> RowsAsync(IClickHouseStore store, string table, string columns)
    {
        var select = System.Text.RegularExpressions.Regex.Replace(columns, @"Strip\((\w+)\)", "replaceRegexpAll($1, 'git(hub|lab)-deployment-', '')");
        var rows = await store.QueryAsync<Line>($"SELECT toString(tuple({select})) AS text FROM {table} ORDER BY text");
        return rows.Select(r => r.Text).ToList();
    }

    private sealed record Line(string Text);
}
