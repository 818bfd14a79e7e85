using Analytics.Ingestors.Runs;

namespace Analytics.Ingestors.Git;

/// <summary>
/// One clone as an <see cref="IIngestSource"/>, so a git ingest gets the same bookkeeping as every other source:
/// a recorded run with rows per table, and a cursor saved only when the run succeeded.
/// </summary>
public sealed class GitIngestSource(GitRepositoryIngestor ingestor, GitIngestRequest request) : IIngestSource
{
    public string Name => GitRepositoryIngestor.SourceName;

    public string Kind => GitRepositoryIngestor.SourceName;

    /// <summary>What the last run read; null until it has run.</summary>
    public GitIngestResult? LastResult { get; private set; }

    public async Task<IngestResult> RunAsync(IngestContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var cursor = await context.GetCursorAsync(request.CursorResource, cancellationToken);
        LastResult = await ingestor.IngestAsync(request, cursor, cancellationToken);
        context.AdvanceCursor(request.CursorResource, LastResult.Cursor);
        return IngestResult.Rows(LastResult.RowsPerTable);
    }
}
