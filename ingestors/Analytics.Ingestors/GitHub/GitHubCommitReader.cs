using Analytics.Ingestors.Sources;
using Octokit;

namespace Analytics.Ingestors.GitHub;

/// <summary>
/// Commits of the default branch, newest first, down to the head the last run read (cursor <c>acme/shop:commits</c>);
/// for a repository in <see cref="GitHubSourceSettings.CommitPaths"/>, each new commit's changed files as well.
/// </summary>
internal sealed class GitHubCommitReader(GitHubSyncRun run) : IResourceReader<GitHubRepositoryTarget>
{
    public async Task ReadAsync(GitHubRepositoryTarget target, CancellationToken cancellationToken)
    {
        var resource = $"{target.FullName}:commits";
        var cursor = await run.Cursors.ReadAsync<CommitCursor>(resource, cancellationToken);
        var state = cursor.State;
        var api = run.Api;
        var readPaths = run.Settings.CommitPaths.Contains(target.FullName, StringComparer.OrdinalIgnoreCase);
        var url = api.Url($"repos/{target.FullName}/commits?sha={GitHubSyncRun.Escape(target.DefaultBranch)}&per_page={api.PageSize}{run.SinceParameter("since")}");
        // The ETag belongs to the branch it was read for: after a change of default branch the list is read again.
        var pages = api.PagesAsync<GitHubCommit>(url, state?.Branch == target.DefaultBranch ? cursor.ETag : null, cancellationToken);
        string? head = null;
        (bool NotModified, string? ETag) read;
        try
        {
            read = await Pager.ReadAsync(pages, async page =>
            {
                head ??= page.Items.FirstOrDefault()?.Sha ?? state?.Head ?? "";
                var fresh = page.Items.TakeWhile(c => c.Sha != state?.Head).ToList();
                await run.WriteShippedAsync(target, GitHubTables.Commits, fresh.Select(c => GitHubRows.Commit(target.Repository, c, run.Source)), cancellationToken);
                run.NoteCommitsRead(target, fresh.Select(c => c.Sha));
                if (readPaths)
                {
                    await new GitHubCommitPathsReader(run).ReadAsync(target, fresh.Select(c => c.Sha).ToList(), cancellationToken);
                }
                return fresh.Count == page.Items.Count;
            });
        }
        catch (ApiException error) when ((int)error.StatusCode == 409)
        {
            // "Git Repository is empty": nothing to read yet.
            return;
        }
        if (!read.NotModified)
        {
            run.Cursors.Advance(resource, new CommitCursor(target.DefaultBranch, head ?? ""), read.ETag);
        }
    }

    private sealed record CommitCursor(string Branch, string Head);
}
