using Analytics.Ingestors.Sources;
using Octokit;

namespace Analytics.Ingestors.GitHub;

/// <summary>
/// Runs of the workflows configured as deployments (cursor <c>acme/shop:runs:&lt;workflow&gt;:&lt;environment&gt;</c>).
/// A run's status is part of the runs list, so a run finishing changes the list's ETag; the list is read down to
/// the oldest run that was still going last time.
/// </summary>
internal sealed class GitHubWorkflowRunReader(GitHubSyncRun run) : IResourceReader<GitHubRepositoryTarget>
{
    public async Task ReadAsync(GitHubRepositoryTarget target, CancellationToken cancellationToken)
    {
        var workflows = await WorkflowsAsync(target, cancellationToken);
        foreach (var configured in run.Settings.Workflows)
        {
            var workflow = workflows.FirstOrDefault(w => Matches(configured, w.Name, w.Path));
            if (workflow is null)
            {
                continue; // organisation-wide settings: not every repository has this workflow
            }
            await RunsAsync(target, configured, workflow, cancellationToken);
        }
    }

    private async Task RunsAsync(GitHubRepositoryTarget target, WorkflowDeployments configured, WorkflowEntry workflow, CancellationToken cancellationToken)
    {
        var resource = $"{target.FullName}:runs:{configured.Workflow}:{configured.Environment}";
        var cursor = await run.Cursors.ReadAsync<RunCursor>(resource, cancellationToken);
        var state = cursor.State;
        var api = run.Api;
        var branch = configured.Branch is null ? "" : $"&branch={GitHubSyncRun.Escape(configured.Branch)}";
        var url = api.Url($"repos/{target.FullName}/actions/workflows/{workflow.Id}/runs?per_page={api.PageSize}{branch}{run.SinceParameter("created", ">=")}");
        var boundary = Min(state?.Newest, state?.OldestOpen);
        DateTimeOffset? newest = null;
        var openSince = new List<DateTimeOffset>();
        var pages = api.PagesAsync<WorkflowRunsResponse, WorkflowRun>(url, cursor.ETag, body => body.WorkflowRuns, cancellationToken);
        var read = await Pager.ReadAsync(pages, async page =>
        {
            if (page.IsFirst)
            {
                newest = page.Items.Count == 0 ? state?.Newest : page.Items.Max(r => r.CreatedAt);
            }
            var fresh = page.Items.TakeWhile(r => run.IsNew(r.CreatedAt, boundary)).ToList();
            var rows = fresh.Select(r => GitHubRows.WorkflowRunDeployment(target.Service, target.Repository, configured.Environment, r, run.Source)).ToList();
            openSince.AddRange(fresh.Where(r => !GitHubRows.IsFinal(GitHubRows.WorkflowRunState(r).Status)).Select(r => r.CreatedAt));
            await run.WriteShippedAsync(target, GitHubTables.Deployments, rows, cancellationToken);
            return fresh.Count == page.Items.Count;
        });
        if (!read.NotModified)
        {
            run.Cursors.Advance(resource, new RunCursor(newest, openSince.Count == 0 ? null : openSince.Min()), read.ETag);
        }
    }

    /// <summary>The repository's workflows (ids, names and files), conditionally: the runs are asked for by workflow id.</summary>
    private async Task<IReadOnlyList<WorkflowEntry>> WorkflowsAsync(GitHubRepositoryTarget target, CancellationToken cancellationToken)
    {
        var resource = $"{target.FullName}:workflows";
        var cursor = await run.Cursors.ReadAsync<List<WorkflowEntry>>(resource, cancellationToken);
        var stored = cursor.State;
        var url = run.Api.Url($"repos/{target.FullName}/actions/workflows?per_page=100");
        var workflows = new List<WorkflowEntry>();
        string? etag = null;
        var pages = run.Api.PagesAsync<WorkflowsResponse, Workflow>(url, stored is null ? null : cursor.ETag, body => body.Workflows, cancellationToken);
        var read = await Pager.ReadAsync(pages, page =>
        {
            etag ??= page.ETag;
            workflows.AddRange(page.Items.Select(w => new WorkflowEntry(w.Id, w.Name ?? "", w.Path ?? "")));
            return Task.FromResult(true);
        });
        if (read.NotModified)
        {
            return stored!;
        }
        run.Cursors.Advance(resource, workflows, etag);
        return workflows;
    }

    /// <summary>Whether a workflow (its name, its file's path) is the configured one: by file name or by name.</summary>
    internal static bool Matches(WorkflowDeployments configured, string? name, string? path) =>
        string.Equals(Path.GetFileName(path), configured.Workflow, StringComparison.OrdinalIgnoreCase)
        || string.Equals(name, configured.Workflow, StringComparison.OrdinalIgnoreCase);

    private static DateTimeOffset? Min(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

    private sealed record RunCursor(DateTimeOffset? Newest, DateTimeOffset? OldestOpen);

    private sealed record WorkflowEntry(long Id, string Name, string Path);
}
