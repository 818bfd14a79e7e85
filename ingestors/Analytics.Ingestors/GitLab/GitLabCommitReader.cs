using Analytics.Ingestors.GitHub;
using Analytics.Ingestors.Sources;

namespace Analytics.Ingestors.GitLab;

/// <summary>Commits of the default branch with their parents, newest first, down to the head the last run read (cursor <c>acme/shop:commits</c>).</summary>
internal sealed class GitLabCommitReader(GitLabSyncRun run) : IResourceReader<GitHubRepositoryTarget>
{
    public async Task ReadAsync(GitHubRepositoryTarget target, CancellationToken cancellationToken)
    {
        var resource = $"{target.FullName}:commits";
        var cursor = await run.Cursors.ReadAsync<CommitCursor>(resource, cancellationToken);
        var state = cursor.State is { } saved && saved.Branch == target.DefaultBranch ? saved : null;
        var api = run.Api;
        var url = api.Url($"projects/{GitLabApi.Id(target.FullName)}/repository/commits?ref_name={Uri.EscapeDataString(target.DefaultBranch)}&with_stats=false&per_page={api.PageSize}{run.SinceParameter("since")}");
        string? head = null;
        // The ETag is sent back in case GitLab honours it; GitLab's REST lists answer 200 all the same (docs/ingestion.md).
        (bool NotModified, string? ETag) read;
        try
        {
            read = await Pager.ReadAsync(api.PagesAsync(url, state is null ? null : cursor.ETag, cancellationToken), async page =>
            {
                var commits = run.Records<GitLabCommit>(page.Items, $"{target.FullName}: commit ", "id");
                head ??= commits.FirstOrDefault()?.Id ?? state?.Head ?? "";
                var fresh = commits.TakeWhile(c => c.Id != state?.Head).ToList();
                await run.WriteShippedAsync(target, GitHubTables.Commits, fresh.Select(c => GitLabRows.Commit(target.Repository, c, run.Source)), cancellationToken);
                return fresh.Count == commits.Count;
            });
        }
        catch (GitLabApiException error) when (error.StatusCode == System.Net.HttpStatusCode.NotFound && state is null)
        {
            // "404 Tree Not Found": the repository is empty (or its default branch not pushed yet): nothing to read yet.
            return;
        }
        if (!read.NotModified)
        {
            run.Cursors.Advance(resource, new CommitCursor(target.DefaultBranch, head ?? ""), read.ETag);
        }
    }

    private sealed record CommitCursor(string Branch, string Head);
}
