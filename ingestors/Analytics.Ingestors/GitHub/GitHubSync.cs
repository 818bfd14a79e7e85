using Analytics.Ingestors.Linking;
using Analytics.Ingestors.Runs;
using Analytics.Ingestors.Sources;
using Microsoft.Extensions.Logging;

namespace Analytics.Ingestors.GitHub;

/// <summary>
/// One run of a GitHub source: the repositories, then for each its commits, pull requests, deployments, releases,
/// workflow runs and incident issues (one reader each, in that order), then the commits between production
/// deployments the commits table lacked (compare API), then the deployment links of the services that changed.
/// </summary>
/// <remarks>
/// <para>
/// Incremental, per repository and resource, with a cursor each (<c>acme/shop:pulls</c>): where the last run got to
/// (the newest update time, the branch head, …) and the ETag of the list's first page. The first page is asked for
/// conditionally; 304 Not Modified means nothing changed and costs no rate-limit point. Otherwise pages are read
/// newest first until what the cursor says was read already. The addresses never change between runs (no
/// <c>since</c> taken from the cursor), so an ETag always matches the request it came from.
/// </para>
/// <para>
/// Each page's rows are stored before the next page is asked for; cursors are handed to the run's
/// <see cref="IngestContext"/>, which saves them only if the whole run succeeds. A failed or cancelled run therefore
/// moves no cursor, and the next run reads the same pages again: rows carry their natural keys, so that adds nothing.
/// The paging, cursors and row writing are the shared skeleton's (<see cref="SourceRun"/>).
/// </para>
/// </remarks>
internal sealed class GitHubSync(GitHubSyncRun run, GitHubServiceDirectory services, DeploymentLinker linker, ILogger logger)
{
    public async Task<IngestResult> RunAsync(CancellationToken cancellationToken)
    {
        var repositories = await new GitHubRepositoryReader(run).ReadAsync(cancellationToken);
        var targets = await services.EnsureServicesAsync(
            repositories.DistinctBy(r => r.FullName, StringComparer.OrdinalIgnoreCase).OrderBy(r => r.FullName, StringComparer.Ordinal).ToList(),
            cancellationToken);

        await ResourceReaders.ReadAsync(targets, Readers(), cancellationToken);

        // The comparisons and the linker read the run's deployments and commits back from the event tables.
        await run.Run.PublishAsync(cancellationToken);
        if (run.Settings.Commits)
        {
            await new GitHubComparisonReader(run, linker).ReadAsync(targets, cancellationToken);
        }

        // Deployments or commits changed: recompute what those services' production deployments shipped.
        await run.Run.RelinkAsync(linker, cancellationToken);
        logger.LogInformation(
            "GitHub source {Source}: {Repositories} repositories, {Requests} requests of which {NotModified} answered 304 (free) and {GraphQlRequests} GraphQL queries ({GraphQlPoints} points).",
            run.Source, targets.Count, run.Api.Requests, run.Api.NotModified, run.Api.GraphQlRequests, run.Api.GraphQlPoints);
        return run.Run.Result();
    }

    /// <summary>The readers of one repository, in the order they run, as the settings turn them on.</summary>
    private List<IResourceReader<GitHubRepositoryTarget>> Readers()
    {
        var settings = run.Settings;
        var readers = new List<IResourceReader<GitHubRepositoryTarget>>();
        if (settings.Commits)
        {
            readers.Add(new GitHubCommitReader(run));
        }
        if (settings.PullRequests)
        {
            readers.Add(settings.Api == GitHubApiKind.GraphQl ? new GitHubGraphQlPullRequestReader(run) : new GitHubPullRequestReader(run));
        }
        if (settings.Deployments)
        {
            readers.Add(new GitHubDeploymentReader(run));
        }
        if (settings.ReleasesAsDeployments)
        {
            readers.Add(new GitHubReleaseReader(run));
        }
        if (settings.Workflows.Count > 0)
        {
            readers.Add(new GitHubWorkflowRunReader(run));
        }
        readers.AddRange(settings.IncidentLabels.Select(label => new GitHubIncidentReader(run, label)));
        return readers;
    }
}
