using Analytics.Ingestors.GitHub;
using Analytics.Ingestors.Sources;

namespace Analytics.Ingestors.GitLab;

/// <summary>
/// Merge requests updated since the last run (<c>updated_after</c>, oldest update first), each with its commits,
/// approvals and notes (cursor <c>acme/shop:merge_requests</c>, an <see cref="UpdatedCursor"/>). GitLab's
/// <c>updated_after</c> includes the cursor's own time: merge requests read at exactly that time are skipped, so an
/// unchanged project costs one request and writes nothing.
/// </summary>
/// <remarks>
/// A merge request's commits go to <c>pull_request_commits</c> only: GitLab lists them from its cache without
/// parents (<c>parent_ids: []</c>), and a commits row without parents would replace the default branch's row with
/// them and cut the history the deployment linker walks. Merged commits reach <c>commits</c> through the default
/// branch's history.
/// </remarks>
/// <param name="listedByGroup">True for a project whose merge requests <see cref="GitLabGroupMergeRequestReader"/> reads instead.</param>
internal sealed class GitLabMergeRequestReader(GitLabSyncRun run, Func<GitHubRepositoryTarget, bool> listedByGroup) : IResourceReader<GitHubRepositoryTarget>
{
    /// <summary>The cursor each project read here was advanced to in this run, by full path.</summary>
    public Dictionary<string, UpdatedCursor> Read { get; } = new(StringComparer.OrdinalIgnoreCase);

    public async Task ReadAsync(GitHubRepositoryTarget target, CancellationToken cancellationToken)
    {
        if (listedByGroup(target))
        {
            return;
        }
        var resource = $"{target.FullName}:merge_requests";
        var state = (await run.Cursors.ReadAsync<UpdatedCursor>(resource, cancellationToken)).State;
        var api = run.Api;
        var after = state?.Updated is { } updated ? $"&updated_after={GitLabSyncRun.Time(updated)}" : run.SinceParameter("updated_after");
        var url = api.Url($"projects/{GitLabApi.Id(target.FullName)}/merge_requests?state=all&scope=all&order_by=updated_at&sort=asc{after}&per_page={api.PageSize}");
        DateTimeOffset? newest = state?.Updated;
        var atNewest = new List<long>();
        await foreach (var page in api.PagesAsync(url, null, cancellationToken))
        {
            var requests = run.Records<GitLabMergeRequest>(page.Items, $"{target.FullName}: merge request !", "iid");
            var batch = new RowBatch(GitHubTables.PullRequests, GitHubTables.PullRequestCommits, GitHubTables.Reviews);
            foreach (var request in requests.Where(r => !UpdatedCursor.WasRead(state, r.UpdatedAt, r.Iid)))
            {
                await AddAsync(batch, target, request, cancellationToken);
            }
            await run.Run.Rows.WriteAsync(batch, cancellationToken);
            foreach (var request in requests)
            {
                if (newest is null || request.UpdatedAt > newest)
                {
                    (newest, atNewest) = (request.UpdatedAt, []);
                }
                if (request.UpdatedAt == newest)
                {
                    atNewest.Add(request.Iid);
                }
            }
        }
        var advanced = UpdatedCursor.Advanced(state, newest, atNewest);
        run.Cursors.Advance(resource, advanced);
        Read[target.FullName] = advanced;
    }

    /// <summary>
    /// The approval state, or null when this GitLab refuses it (403 or 404: an edition or a token without it), in
    /// which case the approvals come from the system notes already read.
    /// </summary>
    private async Task<GitLabApprovals?> ApprovalsAsync(GitHubRepositoryTarget target, GitLabMergeRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var body = await run.Api.GetAsync(run.Api.Url($"projects/{GitLabApi.Id(target.FullName)}/merge_requests/{request.Iid}/approvals"), cancellationToken);
            return run.Records<GitLabApprovals>([body], $"{target.FullName}: approvals of merge request !", "iid").FirstOrDefault();
        }
        catch (GitLabApiException error) when (error.StatusCode is System.Net.HttpStatusCode.Forbidden or System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Adds a merge request's row, its commits and its reviews (approvals and comments).</summary>
    public async Task AddAsync(RowBatch batch, GitHubRepositoryTarget target, GitLabMergeRequest request, CancellationToken cancellationToken)
    {
        var api = run.Api;
        var path = $"projects/{GitLabApi.Id(target.FullName)}/merge_requests/{request.Iid}";
        var what = $"{target.FullName}: merge request !{request.Iid}:";
        var commits = run.Records<GitLabCommit>(await api.AllAsync(api.Url($"{path}/commits?per_page={api.PageSize}"), cancellationToken), $"{what} commit ", "id");
        var notes = run.Records<GitLabNote>(await api.AllAsync(api.Url($"{path}/notes?sort=asc&order_by=created_at&per_page={api.PageSize}"), cancellationToken), $"{what} note ", "id");
        var approvals = await ApprovalsAsync(target, request, cancellationToken);
        var reviews = GitLabRows.Reviews(approvals, notes);
        batch.Add(GitHubTables.PullRequests, GitLabRows.PullRequest(target.Repository, request, commits, reviews, run.Source));
        batch.AddRange(GitHubTables.PullRequestCommits, commits.Select(c => new object?[] { target.Repository, (uint)request.Iid, c.Id }));
        batch.AddRange(GitHubTables.Reviews, GitLabRows.ReviewRows(target.Repository, request.Iid, reviews, run.Source));
    }
}
