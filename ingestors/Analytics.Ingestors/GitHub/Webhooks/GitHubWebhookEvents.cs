using Octokit;
using Octokit.Webhooks.Events;
using PullRequestReviewEvent = Octokit.Webhooks.Events.PullRequestReviewEvent;

namespace Analytics.Ingestors.GitHub.Webhooks;

/// <summary>
/// Applies one webhook delivery with the sync's own readers and row mapping, so a delivery writes the rows a sync of
/// the same state writes:
/// <list type="bullet">
/// <item>pull_request, pull_request_review: the payload's pull request, with its commits and reviews asked for (as the sync does for each pull request);</item>
/// <item>push to the default branch: the pushed commits, each asked for by sha (the payload lacks their parents);</item>
/// <item>deployment, deployment_status: the payload's deployment with its statuses asked for (the latest decides, as in the sync);</item>
/// <item>workflow_run: a run of a workflow configured as deployments; issues: an issue with an incident label; release: a published release when releases are deployments.</item>
/// </list>
/// </summary>
internal sealed class GitHubWebhookEvents(GitHubSyncRun run)
{
    /// <summary>Whether <paramref name="delivery"/> can change what <paramref name="settings"/>' source keeps.</summary>
    public static bool Handles(GitHubSourceSettings settings, GitHubWebhookDelivery delivery) => delivery.Typed switch
    {
        PullRequestEvent or PullRequestReviewEvent => settings.PullRequests,
        PushEvent push => settings.Commits && !push.Deleted && push.Commits.Count > 0
            && push.Ref == $"refs/heads/{delivery.Repository?.DefaultBranch}",
        DeploymentEvent or DeploymentStatusEvent => settings.Deployments,
        WorkflowRunEvent { WorkflowRun: { } workflowRun, Workflow: var workflow } => settings.Workflows.Any(configured =>
            GitHubWorkflowRunReader.Matches(configured, workflow?.Name ?? workflowRun.Name, workflow?.Path ?? workflowRun.Path)
            && (configured.Branch is null || configured.Branch == workflowRun.HeadBranch)),
        IssuesEvent { Issue: { } issue } => settings.IncidentLabels.Count > 0
            && (issue.Labels ?? []).Any(label => settings.IncidentLabels.Contains(label.Name, StringComparer.OrdinalIgnoreCase)),
        ReleaseEvent => settings.ReleasesAsDeployments,
        _ => false,
    };

    public async Task ApplyAsync(GitHubRepositoryTarget target, GitHubWebhookDelivery delivery, CancellationToken cancellationToken)
    {
        switch (delivery.Typed)
        {
            case PullRequestEvent or PullRequestReviewEvent:
                await new GitHubPullRequestReader(run).WriteAsync(target, [delivery.Read<PullRequest>("pull_request")], cancellationToken);
                break;
            case PushEvent push:
                await PushAsync(target, push, cancellationToken);
                break;
            case DeploymentEvent or DeploymentStatusEvent:
            {
                var row = await new GitHubDeploymentReader(run).RowAsync(target, delivery.Read<Deployment>("deployment"), cancellationToken);
                await run.WriteShippedAsync(target, GitHubTables.Deployments, [row], cancellationToken);
                break;
            }
            case WorkflowRunEvent { WorkflowRun: { } typedRun, Workflow: var workflow }:
            {
                var workflowRun = delivery.Read<WorkflowRun>("workflow_run");
                var rows = run.Settings.Workflows
                    .Where(configured => GitHubWorkflowRunReader.Matches(configured, workflow?.Name ?? typedRun.Name, workflow?.Path ?? typedRun.Path)
                        && (configured.Branch is null || configured.Branch == workflowRun.HeadBranch)
                        && run.IsNew(workflowRun.CreatedAt, null))
                    .Select(configured => GitHubRows.WorkflowRunDeployment(target.Service, target.Repository, configured.Environment, workflowRun, run.Source));
                await run.WriteShippedAsync(target, GitHubTables.Deployments, rows, cancellationToken);
                break;
            }
            case IssuesEvent:
            {
                var issue = delivery.Read<Issue>("issue");
                if (issue.PullRequest is null && run.IsNew(issue.UpdatedAt ?? issue.CreatedAt, null))
                {
                    await run.WriteAsync(GitHubTables.Incidents, [GitHubIncidentReader.Row(run, target, issue)], cancellationToken);
                }
                break;
            }
            case ReleaseEvent:
            {
                var reader = new GitHubReleaseReader(run);
                var release = delivery.Read<Release>("release");
                if (reader.IsDeployment(release))
                {
                    await run.WriteShippedAsync(target, GitHubTables.Deployments, [await reader.RowAsync(target, release, cancellationToken)], cancellationToken);
                }
                break;
            }
        }
    }

    /// <summary>The pushed commits as the sync's commit reader stores them (with their parents, which the payload lacks).</summary>
    private async Task PushAsync(GitHubRepositoryTarget target, PushEvent push, CancellationToken cancellationToken)
    {
        var api = run.Api;
        var commits = new List<GitHubCommit>();
        foreach (var pushed in push.Commits)
        {
            var (commit, _, _) = await api.GetAsync<GitHubCommit>(api.Url($"repos/{target.FullName}/commits/{pushed.Id}"), null, cancellationToken);
            if (commit is not null && run.IsNew(commit.Commit?.Committer?.Date ?? commit.Commit?.Author?.Date ?? DateTimeOffset.MaxValue, null))
            {
                commits.Add(commit);
            }
        }
        await run.WriteShippedAsync(target, GitHubTables.Commits, commits.Select(c => GitHubRows.Commit(target.Repository, c, run.Source)), cancellationToken);
        if (run.Settings.CommitPaths.Contains(target.FullName, StringComparer.OrdinalIgnoreCase))
        {
            await new GitHubCommitPathsReader(run).ReadAsync(target, commits.Select(c => c.Sha).ToList(), cancellationToken);
        }
    }
}
