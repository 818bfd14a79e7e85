using Analytics.Ingestors.Linking;
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

    /// <summary>Services whose commits or deployments this run wrote: <see cref="RelinkAsync"/> recomputes their deployment links.</summary>
    public SortedSet<string> ServicesToLink { get; } = new(StringComparer.Ordinal);

    /// <summary>Writes commits or deployments of <paramref name="service"/>; any written means its deployments are relinked.</summary>
    public async Task WriteShippedAsync(string service, RowTable table, IEnumerable<object?[]> rows, CancellationToken cancellationToken)
    {
        if (await Rows.WriteAsync(table, rows, cancellationToken) > 0)
        {
            ServicesToLink.Add(service);
        }
    }

    /// <summary>
    /// After the readers: the deployments of the services whose commits or deployments changed are linked again to
    /// what they shipped (the rows written so far are published first: the linker reads them back).
    /// </summary>
    public async Task RelinkAsync(DeploymentLinker linker, CancellationToken cancellationToken)
    {
        if (ServicesToLink.Count == 0)
        {
            return;
        }
        await PublishAsync(cancellationToken);
        var links = await linker.LinkAsync(ServicesToLink, cancellationToken);
        Rows.Count("deployment_commits", links.Rows);
    }

    /// <summary>Something the run could not do but does not fail for (see <see cref="IngestResult.Warnings"/>).</summary>
    public void Warn(string warning) => _warnings.Add(warning);

    public IngestResult Result() => IngestResult.Rows(Rows.RowsPerTable) with { Warnings = _warnings };
}

/// <summary>One resource of a source, read for one target: a repository's pull requests, a Jira project's incidents.</summary>
public interface IResourceReader<in TTarget>
{
    Task ReadAsync(TTarget target, CancellationToken cancellationToken);
}

public static class ResourceReaders
{
    /// <summary>Runs every reader for each target in turn: all of one target's resources before the next target's.</summary>
    public static async Task ReadAsync<TTarget>(IEnumerable<TTarget> targets, IReadOnlyList<IResourceReader<TTarget>> readers, CancellationToken cancellationToken)
    {
        foreach (var target in targets)
        {
            foreach (var reader in readers)
            {
                await reader.ReadAsync(target, cancellationToken);
            }
        }
    }
}

/// <summary>How a remote source's run fails: never with its token, never with an inner exception that might quote it.</summary>
public static class RemoteSourceFailures
{
    /// <summary>
    /// Runs <paramref name="run"/>. Stopped by the caller, it is a cancellation whatever it surfaced as (an HTTP error,
    /// a store error), so the runner records it as one; any other failure becomes <paramref name="fail"/>'s exception,
    /// whose message is the error's description with <paramref name="token"/> masked.
    /// </summary>
    public static async Task<T> GuardAsync<T>(string vendor, string token, Func<Task<T>> run, Func<string, Exception> fail, CancellationToken cancellationToken)
    {
        try
        {
            return await run();
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException($"The {vendor} run was cancelled.", cancellationToken);
        }
        catch (Exception error)
        {
            throw fail(Redact(IngestRunner.Describe(error), token));
        }
    }

    /// <summary><paramref name="text"/> with every occurrence of <paramref name="token"/> replaced by ***.</summary>
    public static string Redact(string text, string token) =>
        token.Length == 0 ? text : text.Replace(token, "***", StringComparison.Ordinal);
}
