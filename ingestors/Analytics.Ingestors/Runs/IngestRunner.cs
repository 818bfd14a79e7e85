using Analytics.Storage.ClickHouse;
using Analytics.Storage.Catalog;
using Microsoft.Extensions.Logging;

namespace Analytics.Ingestors.Runs;

/// <summary>How one run ended, as recorded in the catalog's ingest runs.</summary>
public sealed record IngestRunOutcome(int RunId, IngestRunStatus Status, IReadOnlyDictionary<string, long> RowsPerTable, string? Error)
{
    public bool Succeeded => Status == IngestRunStatus.Succeeded;

    /// <summary>What a succeeded run could not do but did not fail for (<see cref="IngestResult.Warnings"/>).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>A source could not run because a run of it is in progress, in this process or another.</summary>
public sealed class SourceAlreadyRunningException(string source, int runId, DateTimeOffset startedAt)
    : Exception($"Source {source} is already running (run {runId}, started at {startedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC).")
{
    public string SourceName { get; } = source;

    public int RunId { get; } = runId;

    public DateTimeOffset StartedAt { get; } = startedAt;
}

/// <summary>
/// Runs a source with its bookkeeping: registers the source, records the run's start, end, status, rows per table
/// and error, and saves the cursors the source advanced only when the run succeeded.
/// </summary>
/// <remarks>
/// An <see cref="IIngestSource.Exclusive"/> source is claimed in the catalog for the run (a lease of
/// <see cref="Lease"/>, renewed every <see cref="LeaseRenewal"/>), so the scheduler of the dashboard and an
/// <c>ingest</c> command never run one source at the same time; a run whose process died frees the source when its
/// lease runs out.
/// </remarks>
public sealed class IngestRunner(IngestRunLog catalog, IngestCursors cursors, IDerivedTables derivedTables, ILogger<IngestRunner> logger)
{
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    public static readonly TimeSpan LeaseRenewal = TimeSpan.FromMinutes(1);

    /// <summary>Runs <paramref name="source"/> once. Failures are recorded and returned, not thrown (cancellation is thrown).</summary>
    /// <exception cref="SourceAlreadyRunningException">The source is exclusive and a run of it is in progress; nothing was recorded.</exception>
    public async Task<IngestRunOutcome> RunAsync(IIngestSource source, CancellationToken cancellationToken = default)
    {
        await catalog.EnsureSourceAsync(source.Name, source.Kind, cancellationToken);
        int runId;
        if (source.Exclusive)
        {
            var claim = await catalog.ClaimRunAsync(source.Name, Lease, cancellationToken);
            if (!claim.Claimed)
            {
                throw new SourceAlreadyRunningException(source.Name, claim.RunId, claim.StartedAt);
            }
            runId = claim.RunId;
        }
        else
        {
            runId = await catalog.RecordRunStartedAsync(source.Name, cancellationToken);
        }
        using var renewal = source.Exclusive ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken) : null;
        var renewing = renewal is null ? Task.CompletedTask : RenewLeaseAsync(source.Name, runId, renewal.Token);
        using var activity = IngestTelemetry.StartRun(source);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        IngestRunOutcome? outcome = null;
        try
        {
            outcome = await RunClaimedAsync(source, runId, cancellationToken);
            return outcome;
        }
        finally
        {
            IngestTelemetry.RecordRun(activity, source, System.Diagnostics.Stopwatch.GetElapsedTime(started), outcome);
            renewal?.Cancel();
            await renewing;
        }
    }

    private async Task<IngestRunOutcome> RunClaimedAsync(IIngestSource source, int runId, CancellationToken cancellationToken)
    {
        var context = new IngestContext(source.Name, runId, cursors);
        logger.LogInformation("Ingest run {RunId} of {Source} ({Kind}) started.", runId, source.Name, source.Kind);

        IngestResult result;
        try
        {
            result = await source.RunAsync(context, cancellationToken);
        }
        catch (Exception error)
        {
            // Recorded even when cancelled (the host is stopping), so no run is left "Running" for ever.
            var message = cancellationToken.IsCancellationRequested ? "Cancelled: the application was stopping." : Describe(error);
            await catalog.RecordRunFinishedAsync(runId, IngestRunStatus.Failed, new Dictionary<string, long>(), message, CancellationToken.None);
            if (error is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            logger.LogError("Ingest run {RunId} of {Source} failed: {Error}", runId, source.Name, message);
            return new IngestRunOutcome(runId, IngestRunStatus.Failed, new Dictionary<string, long>(), message);
        }

        if (result.Problems.Count > 0)
        {
            var message = Summarise(result.Problems);
            await catalog.RecordRunFinishedAsync(runId, IngestRunStatus.Failed, result.RowsPerTable, message, CancellationToken.None);
            logger.LogError("Ingest run {RunId} of {Source} refused input: {Error}", runId, source.Name, message);
            return new IngestRunOutcome(runId, IngestRunStatus.Failed, result.RowsPerTable, message);
        }

        foreach (var (resource, cursor) in context.PendingCursors)
        {
            await cursors.SaveCursorAsync(source.Name, resource, cursor.Value, cursor.ETag, cancellationToken);
        }
        // A succeeded run's warnings go where a failed run's error goes, so `analytics runs` and the admin page show them.
        var warnings = result.Warnings.Count == 0 ? null : Summarise(result.Warnings.Select(warning => $"Warning: {warning}").ToList());
        await catalog.RecordRunFinishedAsync(runId, IngestRunStatus.Succeeded, result.RowsPerTable, warnings, CancellationToken.None);
        foreach (var warning in result.Warnings)
        {
            logger.LogWarning("Ingest run {RunId} of {Source}: {Warning}", runId, source.Name, warning);
        }
        logger.LogInformation("Ingest run {RunId} of {Source} succeeded: {Rows} rows.", runId, source.Name, result.RowsPerTable.Values.Sum());
        if (source.Exclusive)
        {
            // A batch leaves the derived tables current; a pushed event (a run per request) must not make its
            // caller wait for a whole rebuild: the store refreshes after a burst of pushes on its own.
            await RefreshDerivedTablesAsync(runId, source.Name, cancellationToken);
        }
        return new IngestRunOutcome(runId, IngestRunStatus.Succeeded, result.RowsPerTable, null) { Warnings = result.Warnings };
    }

    /// <summary>Keeps the run's lease alive until <paramref name="stop"/> is cancelled (the run ended).</summary>
    /// <remarks>
    /// Wall-clock time, not the injected clock: a lease is compared with other processes' clocks, and a test's fake
    /// clock that jumps its timers forward would renew without pause.
    /// </remarks>
    private async Task RenewLeaseAsync(string sourceName, int runId, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(LeaseRenewal, TimeProvider.System, stop);
                if (!await catalog.RenewRunLeaseAsync(runId, Lease, stop))
                {
                    logger.LogWarning("Ingest run {RunId} of {Source} lost its lease: it was closed meanwhile.", runId, sourceName);
                    return;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return; // the run ended
            }
            catch (Exception error)
            {
                // The run goes on and the next renewal tries again; should the catalog stay unreachable, the lease
                // runs out and another process may take the source over.
                logger.LogWarning("Ingest run {RunId} of {Source} could not renew its lease: {Error}", runId, sourceName, Describe(error));
            }
        }
    }

    /// <summary>
    /// Recomputes the derived tables now, so a dashboard in another process (sharing a ClickHouse server) reads
    /// the run's data at once. The data is stored either way: a failure here only defers the work to the next query.
    /// </summary>
    private async Task RefreshDerivedTablesAsync(int runId, string source, CancellationToken cancellationToken)
    {
        try
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            await derivedTables.RefreshStaleAsync(cancellationToken);
            logger.LogInformation("Ingest run {RunId} of {Source}: derived tables refreshed in {ElapsedMilliseconds} ms.",
                runId, source, (long)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            logger.LogWarning("Ingest run {RunId} of {Source}: the derived tables could not be refreshed now, the next query will: {Error}", runId, source, Describe(error));
        }
    }

    /// <summary>The error chain's messages, e.g. "HttpRequestException: Connection refused (127.0.0.1:1)".</summary>
    internal static string Describe(Exception error)
    {
        var parts = new List<string>();
        for (var current = error; current is not null; current = current.InnerException)
        {
            var part = $"{current.GetType().Name}: {current.Message}";
            if (!parts.Contains(part))
            {
                parts.Add(part);
            }
        }
        return string.Join(" ← ", parts);
    }

    // The catalog keeps the first problems in full and counts the rest; the full list went to the caller.
    private static string Summarise(IReadOnlyList<string> problems)
    {
        const int Shown = 20;
        var text = string.Join(Environment.NewLine, problems.Take(Shown));
        return problems.Count > Shown ? $"{text}{Environment.NewLine}… and {problems.Count - Shown} more." : text;
    }
}
