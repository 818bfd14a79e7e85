using Analytics.Ingestors.GitHub;
using Analytics.Ingestors.Linking;
using Analytics.Ingestors.Sources;

namespace Analytics.Ingestors.GitLab;

/// <summary>
/// The commits a production deployment shipped that the default branch's history lacks — a hotfix deployed from a
/// release branch — read from the deployed sha's own history (<c>repository/commits?ref_name=&lt;sha&gt;</c>, which
/// gives parents; GitLab's compare endpoint does not), newest first down to the previous deployment's sha, so the
/// linker links the deployment by ancestry as it does for GitHub. Each pair is asked for once (cursor
/// <c>acme/shop:history:base...head</c>).
/// </summary>
/// <remarks>
/// Reading stops at the previous deployment's sha, or after <see cref="MaxPages"/> pages when that sha is not in the
/// history (a branch that diverged long ago): the commits read are stored all the same, and the deployment is then
/// linked by time window as without them.
/// </remarks>
internal sealed class GitLabAncestryReader(GitLabSyncRun run, DeploymentLinker linker)
{
    private const int MaxPages = 5;

    /// <summary>Shas stored by this reader in this run: a later pair whose shas they hold needs nothing more.</summary>
    private readonly HashSet<(string Repository, string Sha)> _stored = [];

    public async Task ReadAsync(IReadOnlyList<GitHubRepositoryTarget> targets, CancellationToken cancellationToken)
    {
        foreach (var pair in await linker.PairsWithoutAncestryAsync(targets.Select(t => t.Service), cancellationToken))
        {
            var target = targets.FirstOrDefault(t => t.Service == pair.Service && t.Repository == pair.Repository);
            var resource = $"{target?.FullName}:history:{pair.BaseSha}...{pair.HeadSha}";
            var headStored = pair.HeadStored || _stored.Contains((pair.Repository, pair.HeadSha));
            var baseStored = pair.BaseStored || _stored.Contains((pair.Repository, pair.BaseSha));
            if (target is null || (headStored && baseStored) || await run.Cursors.ExistsAsync(resource, cancellationToken))
            {
                continue;
            }
            if (!headStored)
            {
                await StoreHistoryAsync(target, pair.HeadSha, pair.BaseSha, cancellationToken);
            }
            if (!baseStored)
            {
                await StoreHistoryAsync(target, pair.BaseSha, pair.HeadSha, cancellationToken);
            }
            run.Cursors.AdvanceText(resource, "read");
        }
    }

    /// <summary>The history of <paramref name="from"/>, newest first, down to and with <paramref name="until"/>.</summary>
    private async Task StoreHistoryAsync(GitHubRepositoryTarget target, string from, string until, CancellationToken cancellationToken)
    {
        var api = run.Api;
        var url = api.Url($"projects/{GitLabApi.Id(target.FullName)}/repository/commits?ref_name={from}&with_stats=false&per_page={api.PageSize}");
        var pages = 0;
        try
        {
            await foreach (var page in api.PagesAsync(url, null, cancellationToken))
            {
                var commits = run.Records<GitLabCommit>(page.Items, $"{target.FullName}: commit ", "id");
                var upTo = commits.TakeWhile(c => c.Id != until).ToList();
                var reached = upTo.Count < commits.Count;
                if (reached)
                {
                    upTo.Add(commits[upTo.Count]);
                }
                await run.WriteShippedAsync(target, GitHubTables.Commits, upTo.Select(c => GitLabRows.Commit(target.Repository, c, run.Source)), cancellationToken);
                _stored.UnionWith(upTo.Select(c => (target.Repository, c.Id)));
                if (reached || ++pages >= MaxPages)
                {
                    break;
                }
            }
        }
        catch (GitLabApiException error) when (error.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            // GitLab no longer has the sha (force-pushed away and collected): it never will again.
            run.Run.Warn($"{target.FullName}: GitLab has no commit {from} (404, a sha force-pushed away?); its deployment stays linked by time window (inferred).");
        }
    }
}
