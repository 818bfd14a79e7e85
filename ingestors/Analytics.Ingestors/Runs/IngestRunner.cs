using System.Diagnostics;
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
/// and error, makes the run's rows visible and saves the cursors the source advanced only when the run succeeded.
/// </summary>
/// <remarks>
/// An <see cref="IIngestSource.Exclusive"/> source is claimed in the catalog for the run (a lease of
/// <see cref="Lease"/>, renewed every <see cref="LeaseRenewal"/>, recording this host and process), so the
/// scheduler of the dashboard and an <c>ingest</c> command never run one source at the same time. A run whose
/// process died frees the source at once when that process ran on the same machine, else when its lease runs
/// out; a run that loses its lease (taken over, or not renewed in time) is stopped.
/// <para>
/// With a store (the application's), an exclusive run writes its event rows into staging tables that become
/// visible together when it succeeds (<see cref="RunStaging"/>); the cursors are saved only after that. The next
/// run of a source first cleans up what an unfinished run left (finishing a publish it had begun).
/// </para>
/// </remarks>
/// <param name="store">Where staging tables live; without one (some tests), runs write straight to the event tables.</param>
public sealed class IngestRunner(IngestRunLog catalog, IngestCursors cursors, IDerivedTables derivedTables, ILogger<IngestRunner> logger, IClickHouseStore? store = null)
{
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    public static readonly TimeSpan LeaseRenewal = TimeSpan.FromMinutes(1);

    /// <summary>How often this runner renews a run's lease (<see cref="LeaseRenewal"/>; tests shorten it).</summary>
    public TimeSpan RenewalInterval { get; init; } = LeaseRenewal;

    /// <summary>Runs <paramref name="source"/> once. Failures are recorded and returned, not thrown (cancellation is thrown).</summary>
    /// <exception cref="SourceAlreadyRunningException">The source is exclusive and a run of it is in progress; nothing was recorded.</exception>
    public async Task<IngestRunOutcome> RunAsync(IIngestSource source, CancellationToken cancellationToken = default)
    {
        await catalog.EnsureSourceAsync(source.Name, source.Kind, cancellationToken);
        if (!source.Exclusive)
        {
            var unleased = await catalog.RecordRunStartedAsync(source.Name, cancellationToken);
            return await TracedAsync(source, () => RunClaimedAsync(source, unleased, staging: null, leaseLost: null, cancellationToken, cancellationToken));
        }

        var claim = await catalog.ClaimRunAsync(source.Name, Lease, cancellationToken);
        if (!claim.Claimed)
        {
            throw new SourceAlreadyRunningException(source.Name, claim.RunId, claim.StartedAt);
        }
        var runId = claim.RunId;
        var leaseLost = new LeaseState();
        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var renewal = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var renewing = RenewLeaseAsync(source.Name, runId, leaseLost, run, renewal.Token);
        try
        {
            RunStaging? staging = null;
            if (store is not null)
            {
                await RecoverLeftoversAsync(store, source.Name, run.Token);
                staging = new RunStaging(store, runId, async (tables, token) =>
                {
                    await catalog.RecordPublishingAsync(runId, tables, token);
                    // Logged when the copies begin (a source that reads its rows back publishes before the end of its run).
                    logger.LogInformation("Ingest run {RunId} of {Source}: publishing {Tables}.", runId, source.Name, string.Join(", ", tables));
                });
            }
            return await TracedAsync(source, () => RunClaimedAsync(source, runId, staging, leaseLost, run.Token, cancellationToken));
        }
        finally
        {
            await renewal.CancelAsync();
            await renewing;
        }
    }

    /// <summary>A span and the run metrics around a started run (<see cref="IngestTelemetry"/>).</summary>
    private static async Task<IngestRunOutcome> TracedAsync(IIngestSource source, Func<Task<IngestRunOutcome>> run)
    {
        using var activity = IngestTelemetry.StartRun(source);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        IngestRunOutcome? outcome = null;
        try
        {
            outcome = await run();
            return outcome;
        }
        finally
        {
            IngestTelemetry.RecordRun(activity, source, System.Diagnostics.Stopwatch.GetElapsedTime(started), outcome);
        }
    }

    /// <summary>Why the lease was lost, once it was; the run is cancelled then.</summary>
    private sealed class LeaseState
    {
        public string? Reason { get; set; }
    }

    private async Task<IngestRunOutcome> RunClaimedAsync(
        IIngestSource source, int runId, RunStaging? staging, LeaseState? leaseLost, CancellationToken runToken, CancellationToken cancellationToken)
    {
        var context = new IngestContext(source.Name, runId, cursors, staging);
        logger.LogInformation("Ingest run {RunId} of {Source} ({Kind}) started.", runId, source.Name, source.Kind);

        IngestResult result;
        try
        {
            result = await source.RunAsync(context, runToken);
            if (result.Problems.Count == 0 && staging is not null)
            {
                await staging.PublishAsync(runToken);
            }
        }
        catch (Exception error)
        {
            await DiscardAsync(staging, runId, source.Name);
            if (leaseLost?.Reason is { } lost)
            {
                // The run is no longer this process's to record: another took it over, or will.
                var stopped = $"Stopped: the run lost its lease ({lost}).";
                logger.LogError("Ingest run {RunId} of {Source}: {Error}", runId, source.Name, stopped);
                return new IngestRunOutcome(runId, IngestRunStatus.Failed, new Dictionary<string, long>(), stopped);
            }
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
            await DiscardAsync(staging, runId, source.Name);
            var message = Summarise(result.Problems);
            await catalog.RecordRunFinishedAsync(runId, IngestRunStatus.Failed, result.RowsPerTable, message, CancellationToken.None);
            logger.LogError("Ingest run {RunId} of {Source} refused input: {Error}", runId, source.Name, message);
            return new IngestRunOutcome(runId, IngestRunStatus.Failed, result.RowsPerTable, message);
        }

        // Only now that the rows are visible: a cursor must never point past rows nobody can read.
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

    /// <summary>
    /// Cleans up the staging tables that ended runs of <paramref name="sourceName"/> left (their process died, or a
    /// discard failed): finishes a publish that had begun, drops the rest. Runs of other sources are theirs to clean.
    /// </summary>
    private async Task RecoverLeftoversAsync(IClickHouseStore target, string sourceName, CancellationToken cancellationToken)
    {
        try
        {
            await RecoverLeftoversOrThrowAsync(target, sourceName, cancellationToken);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // The leftovers stay where they are, invisible, for the next run; this run goes on (and fails on its own
            // if the store is unreachable).
            logger.LogWarning("Ingest of {Source}: what earlier runs left staged could not be cleaned up now: {Error}", sourceName, Describe(error));
        }
    }

    private async Task RecoverLeftoversOrThrowAsync(IClickHouseStore target, string sourceName, CancellationToken cancellationToken)
    {
        var leftovers = await RunStaging.LeftoversAsync(target, cancellationToken);
        if (leftovers.Count == 0)
        {
            return;
        }
        var ended = await catalog.EndedRunsPublishingAsync(sourceName, leftovers.Keys.ToList(), cancellationToken);
        foreach (var (runId, publishing) in ended)
        {
            logger.LogWarning(
                "Ingest run {RunId} of {Source} did not finish: {Action}.", runId, sourceName,
                publishing.Count > 0 ? $"finishing its publish of {string.Join(", ", publishing)}" : "dropping its staged rows");
            await RunStaging.RecoverAsync(target, runId, leftovers[runId], publishing, cancellationToken);
        }
    }

    private async Task DiscardAsync(RunStaging? staging, int runId, string sourceName)
    {
        if (staging is null)
        {
            return;
        }
        try
        {
            await staging.DiscardAsync(CancellationToken.None);
        }
        catch (Exception error)
        {
            // Invisible either way; the next run of the source drops them.
            logger.LogWarning("Ingest run {RunId} of {Source}: its staging tables could not be dropped now: {Error}", runId, sourceName, Describe(error));
        }
    }

    /// <summary>
    /// Keeps the run's lease alive until <paramref name="stop"/> is cancelled (the run ended); cancels
    /// <paramref name="run"/> when the lease is lost: the run was closed meanwhile (taken over), or no renewal
    /// succeeded before the lease ran out (another process may take the source over then).
    /// </summary>
    /// <remarks>
    /// Wall-clock time, not the injected clock: a lease is compared with other processes' clocks, and a test's fake
    /// clock that jumps its timers forward would renew without pause.
    /// </remarks>
    private async Task RenewLeaseAsync(string sourceName, int runId, LeaseState state, CancellationTokenSource run, CancellationToken stop)
    {
        var renewedAt = Stopwatch.GetTimestamp();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(RenewalInterval, TimeProvider.System, stop);
                if (!await catalog.RenewRunLeaseAsync(runId, Lease, stop))
                {
                    state.Reason = "it was closed meanwhile, and the source may have been taken over";
                }
                else
                {
                    renewedAt = Stopwatch.GetTimestamp();
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return; // the run ended
            }
            catch (Exception error)
            {
                // The next renewal tries again, as long as the lease lasts.
                logger.LogWarning("Ingest run {RunId} of {Source} could not renew its lease: {Error}", runId, sourceName, Describe(error));
                if (Stopwatch.GetElapsedTime(renewedAt) >= Lease)
                {
                    state.Reason = "it could not be renewed before it ran out";
                }
            }
            if (state.Reason is not null)
            {
                logger.LogWarning("Ingest run {RunId} of {Source} lost its lease: {Reason}. Stopping it.", runId, sourceName, state.Reason);
                await run.CancelAsync();
                return;
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
