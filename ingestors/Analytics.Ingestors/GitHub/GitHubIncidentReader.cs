using Analytics.Ingestors.Sources;
using Octokit;

namespace Analytics.Ingestors.GitHub;

/// <summary>
/// Issues with one incident label, by last update, newest first, down to the last run's newest (cursor
/// <c>acme/shop:issues:&lt;label&gt;</c>, an <see cref="UpdatedCursor"/>).
/// </summary>
internal sealed class GitHubIncidentReader(GitHubSyncRun run, string label) : IResourceReader<GitHubRepositoryTarget>
{
    public async Task ReadAsync(GitHubRepositoryTarget target, CancellationToken cancellationToken)
    {
        var resource = $"{target.FullName}:issues:{label}";
        var cursor = await run.Cursors.ReadAsync<UpdatedCursor>(resource, cancellationToken);
        var state = cursor.State;
        var api = run.Api;
        var url = api.Url($"repos/{target.FullName}/issues?state=all&labels={GitHubSyncRun.Escape(label)}&sort=updated&direction=desc&per_page={api.PageSize}{run.SinceParameter("since")}");
        DateTimeOffset? newest = null;
        var atNewest = new List<long>();
        var read = await Pager.ReadAsync(api.PagesAsync<Issue>(url, cursor.ETag, cancellationToken), async page =>
        {
            if (page.IsFirst)
            {
                newest = page.Items.FirstOrDefault() is { } top ? top.UpdatedAt ?? top.CreatedAt : null;
            }
            var current = page.Items.TakeWhile(i => run.IsNew(i.UpdatedAt ?? i.CreatedAt, state?.Updated)).ToList();
            atNewest.AddRange(current.Where(i => (i.UpdatedAt ?? i.CreatedAt) == newest).Select(i => (long)i.Number));
            // The issues API lists pull requests too; a pull request is no incident.
            var rows = current.Where(i => i.PullRequest is null && !UpdatedCursor.WasRead(state, i.UpdatedAt ?? i.CreatedAt, i.Number))
                .Select(i => Row(run, target, i));
            await run.WriteAsync(GitHubTables.Incidents, rows, cancellationToken);
            return current.Count == page.Items.Count;
        });
        if (!read.NotModified)
        {
            run.Cursors.Advance(resource, UpdatedCursor.Advanced(state, newest, atNewest), read.ETag);
        }
    }

    /// <summary>An incident issue's row (the sync's, and a webhook delivery's for an issue carrying an incident label).</summary>
    internal static object?[] Row(GitHubSyncRun run, GitHubRepositoryTarget target, Issue issue) =>
        GitHubRows.Incident(target.Service, target.Repository, issue, run.Settings.DefaultSeverity, run.Source);
}
