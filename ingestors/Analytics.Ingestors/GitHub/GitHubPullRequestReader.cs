using Analytics.Ingestors.Sources;
using Octokit;

namespace Analytics.Ingestors.GitHub;

/// <summary>
/// Pull requests by last update, newest first, each with its commits and reviews, down to the last run's newest
/// (cursor <c>acme/shop:pulls</c>, an <see cref="UpdatedCursor"/>).
/// </summary>
internal sealed class GitHubPullRequestReader(GitHubSyncRun run) : IResourceReader<GitHubRepositoryTarget>
{
    public async Task ReadAsync(GitHubRepositoryTarget target, CancellationToken cancellationToken)
    {
        var resource = $"{target.FullName}:pulls";
        var cursor = await run.Cursors.ReadAsync<UpdatedCursor>(resource, cancellationToken);
        var state = cursor.State;
        var api = run.Api;
        var url = api.Url($"repos/{target.FullName}/pulls?state=all&sort=updated&direction=desc&per_page={api.PageSize}");
        DateTimeOffset? newest = null;
        var atNewest = new List<long>();
        var read = await Pager.ReadAsync(api.PagesAsync<PullRequest>(url, cursor.ETag, cancellationToken), async page =>
        {
            if (page.IsFirst)
            {
                newest = page.Items.FirstOrDefault()?.UpdatedAt;
            }
            var current = page.Items.TakeWhile(p => run.IsNew(p.UpdatedAt, state?.Updated)).ToList();
            atNewest.AddRange(current.Where(p => p.UpdatedAt == newest).Select(p => (long)p.Number));
            await WriteAsync(target, current.Where(p => !UpdatedCursor.WasRead(state, p.UpdatedAt, p.Number)), cancellationToken);
            return current.Count == page.Items.Count;
        });
        if (!read.NotModified)
        {
            run.Cursors.Advance(resource, UpdatedCursor.Advanced(state, newest, atNewest), read.ETag);
        }
    }

    /// <summary>
    /// Writes the rows of <paramref name="pulls"/>, each with its commits and reviews (asked for now). The sync calls
    /// it for each page; a webhook delivery for the one pull request it carries.
    /// </summary>
    internal async Task WriteAsync(GitHubRepositoryTarget target, IEnumerable<PullRequest> pulls, CancellationToken cancellationToken)
    {
        var batch = new RowBatch(GitHubTables.PullRequests, GitHubTables.PullRequestCommits, GitHubTables.Commits, GitHubTables.Reviews);
        foreach (var pull in pulls)
        {
            await AddAsync(batch, target, pull, cancellationToken);
        }
        var written = await run.Run.Rows.WriteAsync(batch, cancellationToken);
        if (written[GitHubTables.Commits.Name] > 0)
        {
            run.ServicesToLink.Add(target.Service);
        }
    }

    /// <summary>Adds a pull request's row, its commits (as commits of the repository too) and its reviews.</summary>
    private async Task AddAsync(RowBatch batch, GitHubRepositoryTarget target, PullRequest pull, CancellationToken cancellationToken)
    {
        var api = run.Api;
        var commits = await api.AllAsync<PullRequestCommit>(api.Url($"repos/{target.FullName}/pulls/{pull.Number}/commits?per_page={api.PageSize}"), cancellationToken);
        var reviews = await api.AllAsync<PullRequestReview>(api.Url($"repos/{target.FullName}/pulls/{pull.Number}/reviews?per_page={api.PageSize}"), cancellationToken);
        batch.Add(GitHubTables.PullRequests, GitHubRows.PullRequest(target.Repository, pull, commits, reviews, run.Source));
        batch.AddRange(GitHubTables.PullRequestCommits, commits.Select(c => new object?[] { target.Repository, (uint)pull.Number, c.Sha }));
        batch.AddRange(GitHubTables.Commits, commits.Select(c => GitHubRows.Commit(target.Repository, c, run.Source)));
        batch.AddRange(GitHubTables.Reviews, GitHubRows.Reviews(target.Repository, pull.Number, reviews, run.Source));
    }
}
