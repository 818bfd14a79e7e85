using Analytics.Ingestors.GitHub;
using Analytics.Ingestors.Linking;
using Analytics.Ingestors.Runs;
using Analytics.Ingestors.Sources;
using Microsoft.Extensions.Logging;

namespace Analytics.Ingestors.GitLab;

/// <summary>
/// One run of a GitLab source: the projects, then for each its commits, merge requests (of a project outside the
/// configured groups, or new in one) and deployments (one reader each, in that order), then each group's merge
/// requests in one list (<see cref="GitLabGroupMergeRequestReader"/>), then the history of deployed shas the commits table lacked, then the deployment links of
/// the services that changed. Projects become catalog services as GitHub repositories do
/// (<see cref="GitHubServiceDirectory"/>), keyed by their full path.
/// </summary>
/// <remarks>
/// Incremental per project and resource: the default branch's head read last (commits), and the newest update
/// time read (merge requests, deployments, asked for with <c>updated_after</c>); a group's merge requests have one
/// cursor for the group. Cursors are saved only when the
/// whole run succeeded, and rows carry natural keys, so a failed run's retry adds nothing.
/// </remarks>
internal sealed class GitLabSync(GitLabSyncRun run, GitHubServiceDirectory services, DeploymentLinker linker, ILogger logger)
{
    public async Task<IngestResult> RunAsync(CancellationToken cancellationToken)
    {
        var projects = await new GitLabProjectReader(run).ReadAsync(cancellationToken);
        var targets = await services.EnsureServicesAsync(
            projects.Projects.DistinctBy(p => p.FullName, StringComparer.OrdinalIgnoreCase).OrderBy(p => p.FullName, StringComparer.Ordinal).ToList(),
            cancellationToken);

        var groups = new GitLabGroupMergeRequestReader(run, projects, targets);
        var mergeRequests = new GitLabMergeRequestReader(run, groups.Covers);
        if (run.Settings.MergeRequests)
        {
            await groups.PlanAsync(cancellationToken);
        }
        await ResourceReaders.ReadAsync(targets, Readers(mergeRequests), cancellationToken);
        if (run.Settings.MergeRequests)
        {
            // After the per-project reads: the group's list skips what those read of projects it does not cover yet.
            await groups.ReadAsync(mergeRequests, cancellationToken);
        }

        // The history reader and the linker read the run's deployments and commits back from the event tables.
        await run.Run.PublishAsync(cancellationToken);
        if (run.Settings.Commits)
        {
            await new GitLabAncestryReader(run, linker).ReadAsync(targets, cancellationToken);
        }
        await run.Run.RelinkAsync(linker, cancellationToken);
        logger.LogInformation(
            "GitLab source {Source}: {Projects} projects, {Requests} requests.", run.Source, targets.Count, run.Api.Requests);
        return run.Run.Result();
    }

    private List<IResourceReader<GitHubRepositoryTarget>> Readers(GitLabMergeRequestReader mergeRequests)
    {
        var readers = new List<IResourceReader<GitHubRepositoryTarget>>();
        if (run.Settings.Commits)
        {
            readers.Add(new GitLabCommitReader(run));
        }
        if (run.Settings.MergeRequests)
        {
            readers.Add(mergeRequests);
        }
        if (run.Settings.Deployments)
        {
            readers.Add(new GitLabDeploymentReader(run));
        }
        return readers;
    }
}
