using Analytics.Ingestors.Linking;
using Octokit;

namespace Analytics.Ingestors.GitHub;

/// <summary>
/// The commits between consecutive production deployments of a service whose shas the commits table lacks — a
/// hotfix deployed from a release branch, a commit never on the default branch — from GitHub's compare endpoint,
/// stored with their parents (and the base and merge-base commits), so that the linker links those deployments
/// by ancestry like every other. A comparison of two fixed shas never changes, so each is asked for once: its
/// cursor (<c>acme/shop:compare:base...head</c>), saved with the run's other cursors after its commits are stored,
/// says it was, and an unchanged organisation still costs nothing.
/// </summary>
internal sealed class GitHubComparisonReader(GitHubSyncRun run, DeploymentLinker linker)
{
    /// <summary>The outcome recorded for a comparison GitHub answered 404.</summary>
    private const string ComparisonNotFound = "not-found";

    /// <summary>Commits (repository, sha) stored from comparisons in this run: a pair whose shas they hold needs none.</summary>
    private readonly HashSet<(string Repository, string Sha)> _storedFromComparisons = [];

    public async Task ReadAsync(IReadOnlyList<GitHubRepositoryTarget> targets, CancellationToken cancellationToken)
    {
        var asked = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pair in await linker.PairsWithoutAncestryAsync(targets.Select(t => t.Service), cancellationToken))
        {
            // Deployments a service has in another repository (from another source) are not this source's to compare.
            var target = targets.FirstOrDefault(t => t.Service == pair.Service && t.Repository == pair.Repository);
            var resource = $"{target?.FullName}:compare:{pair.BaseSha}...{pair.HeadSha}";
            // An earlier comparison of this run may have stored both shas (a hotfix is the head of one pair and the base of the next).
            var known = pair with
            {
                BaseStored = pair.BaseStored || _storedFromComparisons.Contains((pair.Repository, pair.BaseSha)),
                HeadStored = pair.HeadStored || _storedFromComparisons.Contains((pair.Repository, pair.HeadSha)),
            };
            if (target is null || (known.BaseStored && known.HeadStored) || !asked.Add(resource)
                || await run.Cursors.ExistsAsync(resource, cancellationToken))
            {
                continue;
            }
            var (outcome, etag) = await CompareAsync(target, known, cancellationToken);
            run.Cursors.Advance(resource, new CompareCursor(outcome), etag);
        }
    }

    /// <summary>Stores the commits of one comparison; a comparison GitHub does not have is a warning, not a failure.</summary>
    /// <returns>The comparison's status (ahead, diverged, …) or <see cref="ComparisonNotFound"/>, and the first page's ETag.</returns>
    private async Task<(string Outcome, string? ETag)> CompareAsync(GitHubRepositoryTarget target, DeploymentPairWithoutAncestry pair, CancellationToken cancellationToken)
    {
        try
        {
            var (comparison, etag) = await StoreComparisonAsync(target, pair.BaseSha, pair.HeadSha, cancellationToken);
            if (!pair.BaseStored && comparison.BehindBy > 0)
            {
                // The previous deployment's sha was unknown and is no ancestor of this one (a release branch's): its
                // own side down to the merge base is unknown too, and without it the walk from the new sha would not
                // stop at the previous one's history. The reverse comparison lists exactly that side.
                await StoreComparisonAsync(target, pair.HeadSha, pair.BaseSha, cancellationToken);
            }
            return (comparison.Status, etag);
        }
        catch (NotFoundException)
        {
            // GitHub no longer has one of the shas (force-pushed away and collected): it never will again, so the
            // cursor is saved all the same; the deployment keeps its inferred link.
            run.Run.Warn($"{target.FullName}: GitHub has no comparison {pair.BaseSha}...{pair.HeadSha} (404, a sha force-pushed away?); "
                + $"deployment of {pair.HeadSha} for service {pair.Service} stays linked by time window (inferred).");
            return (ComparisonNotFound, null);
        }
    }

    /// <summary>
    /// The commits reachable from <paramref name="head"/> and not from <paramref name="base"/>, every page, stored
    /// with the base and merge-base commits (so both ends are in the graph).
    /// </summary>
    /// <returns>The first page (status, ahead and behind counts) and its ETag.</returns>
    private async Task<(CompareResult First, string? ETag)> StoreComparisonAsync(GitHubRepositoryTarget target, string @base, string head, CancellationToken cancellationToken)
    {
        var api = run.Api;
        var (owner, name) = (target.FullName.Split('/')[0], target.FullName.Split('/')[1]);
        // The address Octokit's Commit.Compare asks; read here page by page through the retries and request counting.
        var url = api.Url($"{ApiUrls.RepoCompare(owner, name, @base, head)}?per_page={api.PageSize}");
        CompareResult? first = null;
        string? etag = null;
        await foreach (var page in api.PagesAsync<CompareResult, GitHubCommit>(url, null, body =>
            {
                if (first is not null)
                {
                    return body.Commits;
                }
                first = body;
                return [.. body.Commits, .. new[] { body.BaseCommit, body.MergeBaseCommit }.OfType<GitHubCommit>()];
            }, cancellationToken))
        {
            etag ??= page.ETag;
            await run.WriteShippedAsync(target, GitHubTables.Commits, page.Items.Select(c => GitHubRows.Commit(target.Repository, c, run.Source)), cancellationToken);
            _storedFromComparisons.UnionWith(page.Items.Select(c => (target.Repository, c.Sha)));
        }
        return (first!, etag);
    }

    /// <summary>A comparison asked for once: GitHub's status of it, or <see cref="ComparisonNotFound"/>.</summary>
    private sealed record CompareCursor(string Outcome);
}
