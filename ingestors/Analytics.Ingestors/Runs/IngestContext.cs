using Analytics.Storage.Catalog;

namespace Analytics.Ingestors.Runs;

/// <summary>
/// What a running source may use: where it stopped last time, and a way to say where it stops now. New cursors
/// are only saved once the whole run has succeeded, so a failed run is simply repeated from the old position.
/// </summary>
/// <param name="staging">Where the run's event rows wait until it ends; null for a run that writes straight through (a push).</param>
public sealed class IngestContext(string sourceName, int runId, IngestCursors catalog, RunStaging? staging = null)
{
    private readonly Dictionary<string, PendingCursor> _pendingCursors = new(StringComparer.Ordinal);

    public string SourceName { get; } = sourceName;

    public int RunId { get; } = runId;

    /// <summary>The run's staging tables (see <see cref="RunStaging"/>): rows written there become visible when the run ends.</summary>
    public RunStaging? Staging { get; } = staging;

    /// <summary>The cursor saved by the last successful run for <paramref name="resource"/>, or null.</summary>
    public async Task<string?> GetCursorAsync(string resource, CancellationToken cancellationToken) =>
        (await catalog.GetCursorAsync(SourceName, resource, cancellationToken))?.Value;

    /// <summary>The whole cursor saved by the last successful run (value and HTTP ETag), or null.</summary>
    public Task<SourceCursor?> GetSourceCursorAsync(string resource, CancellationToken cancellationToken) =>
        catalog.GetCursorAsync(SourceName, resource, cancellationToken);

    /// <summary>Records where this run got to for <paramref name="resource"/>; saved only if the run succeeds.</summary>
    /// <param name="etag">The ETag of the response the value came from, for a conditional request next time.</param>
    public void AdvanceCursor(string resource, string value, string? etag = null) => _pendingCursors[resource] = new PendingCursor(value, etag);

    internal IReadOnlyDictionary<string, PendingCursor> PendingCursors => _pendingCursors;

    internal sealed record PendingCursor(string Value, string? ETag);
}
