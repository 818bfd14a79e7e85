using Analytics.Ingestors.Runs;
using Analytics.Storage.ClickHouse;

namespace Analytics.Ingestors.Sources;

// The shared skeleton of a source that reads a remote service (GitHub today; GitLab, Jira, PagerDuty and Backstage
// next) or a local one (a git clone, a CSV folder). How a new source plugs in:
//
//  1. An IIngestSource (with its IIngestSourceFactory) whose RunAsync makes one SourceRun from the IngestContext and
//     the store, and one HTTP client for the run: a ConditionalRequestHandler under it (If-None-Match on the requests
//     that carry an ETag, requests and 304s counted), each call through SourceResilience.Create with the vendor's
//     RateLimitRules (its rate-limit headers; backoff on 5xx, timeouts and dropped connections is shared).
//  2. One reader per resource (IResourceReader: a repository's pull requests, a Jira project's incidents), which
//       - reads its cursor at the start (run.Cursors.ReadAsync: where the last successful run got to, and the ETag of
//         the list's first page),
//       - asks for the list's pages through Pager.PagesAsync with the vendor's IPaging (next links, offsets or
//         cursors), the first page conditionally: 304 Not Modified means nothing changed and costs nothing,
//       - writes each page's rows (run.Rows, a RowBatch for several tables) before the next page is asked for (into
//         the run's staging tables: they become visible together when the run succeeds, see RunStaging), and
//         stops at what the cursor says was read before (Pager.ReadAsync),
//       - hands its new cursor to run.Cursors.Advance, which the runner saves only if the whole run succeeds: a failed
//         run moves no cursor and the next one reads the same pages again (rows carry natural keys, so that adds nothing).
//  3. A small orchestrator that runs the readers for each target in a fixed order and returns run.Result().
//
// GitHub/ is the worked example: GitHubSync orchestrates, GitHub*Reader read one resource each, GitHubRateLimits holds
// GitHub's header rules and GitHubApi its Link-header paging.

/// <summary>
/// What the readers of one run share: the cursors (<see cref="Cursors"/>), the rows written per table
/// (<see cref="Rows"/>) and the warnings; <see cref="Result"/> is what the run returns to <see cref="IngestRunner"/>.
/// </summary>
public sealed class SourceRun(IngestContext context, IClickHouseStore store)
{
    private readonly List<string> _warnings = [];

    public SourceCursors Cursors { get; } = new(context);

    public RowWriter Rows { get; } = new(store, context.Staging);

    /// <summary>
    /// Makes the rows written so far visible now (see <see cref="RunStaging"/>), for a step that reads them back
    /// (linking deployments to commits); the runner publishes the rest when the run succeeds.
    /// </summary>
    public Task PublishAsync(CancellationToken cancellationToken) => context.Staging?.PublishAsync(cancellationToken) ?? Task.CompletedTask;

    /// <summary>Something the run could not do but does not fail for (see <see cref="IngestResult.Warnings"/>).</summary>
    public void Warn(string warning) => _warnings.Add(warning);

    public IngestResult Result() => IngestResult.Rows(Rows.RowsPerTable) with { Warnings = _warnings };
}

/// <summary>One resource of a source, read for one target: a repository's pull requests, a Jira project's incidents.</summary>
public interface IResourceReader<in TTarget>
{
    Task ReadAsync(TTarget target, CancellationToken cancellationToken);
}
