using Analytics.Storage.Catalog;
using Microsoft.Extensions.Logging;

namespace Analytics.Ingestors.Runs;

/// <summary>How one run ended, as recorded in the catalog's ingest runs.</summary>
public sealed record IngestRunOutcome(int RunId, IngestRunStatus Status, IReadOnlyDictionary<string, long> RowsPerTable, string? Error)
{
    public bool Succeeded => Status == IngestRunStatus.Succeeded;
}

/// <summary>
/// Runs a source with its bookkeeping: registers the source, records the run's start, end, status, rows per table
/// and error, and saves the cursors the source advanced only when the run succeeded.
/// </summary>
public sealed class IngestRunner(CatalogStore catalog, ILogger<IngestRunner> logger)
{
    /// <summary>Runs <paramref name="source"/> once. Failures are recorded and returned, not thrown (cancellation is thrown).</summary>
    public async Task<IngestRunOutcome> RunAsync(IIngestSource source, CancellationToken cancellationToken = default)
    {
        await catalog.EnsureSourceAsync(source.Name, source.Kind, cancellationToken);
        var runId = await catalog.RecordRunStartedAsync(source.Name, cancellationToken);
        var context = new IngestContext(source.Name, runId, catalog);
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
            await catalog.SaveCursorAsync(source.Name, resource, cursor.Value, cursor.ETag, cancellationToken);
        }
        await catalog.RecordRunFinishedAsync(runId, IngestRunStatus.Succeeded, result.RowsPerTable, null, CancellationToken.None);
        logger.LogInformation("Ingest run {RunId} of {Source} succeeded: {Rows} rows.", runId, source.Name, result.RowsPerTable.Values.Sum());
        return new IngestRunOutcome(runId, IngestRunStatus.Succeeded, result.RowsPerTable, null);
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
