using System.Text.Json;
using Analytics.Ingestors.Runs;

namespace Analytics.Ingestors.Sources;

/// <summary>A resource's cursor as the last successful run saved it: its state (null when there is none) and the ETag saved with it.</summary>
public sealed record Cursor<T>(T? State, string? ETag) where T : class;

/// <summary>
/// Where each resource of a source got to (<c>acme/shop:pulls</c>, <c>file:teams.csv</c>), read when the run
/// starts and advanced as it goes. Advanced cursors are only saved once the whole run has succeeded (by
/// <see cref="IngestRunner"/>), so a failed or cancelled run moves none.
/// </summary>
/// <remarks>States are JSON; one that no longer reads (an older format) counts as none, so the resource is read again.</remarks>
public sealed class SourceCursors(IngestContext context)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The state and ETag saved for <paramref name="resource"/>; both null when nothing was saved.</summary>
    public async Task<Cursor<T>> ReadAsync<T>(string resource, CancellationToken cancellationToken) where T : class
    {
        var saved = await context.GetSourceCursorAsync(resource, cancellationToken);
        return new Cursor<T>(Parse<T>(saved?.Value), saved?.ETag);
    }

    /// <summary>The saved value as it was written (a file hash, a source's own format), or null.</summary>
    public Task<string?> ReadTextAsync(string resource, CancellationToken cancellationToken) => context.GetCursorAsync(resource, cancellationToken);

    /// <summary>True when a successful run saved a cursor for <paramref name="resource"/> (e.g. a one-off request was made).</summary>
    public async Task<bool> ExistsAsync(string resource, CancellationToken cancellationToken) =>
        await context.GetSourceCursorAsync(resource, cancellationToken) is not null;

    /// <summary>Where this run got to; saved only if the run succeeds.</summary>
    /// <param name="etag">The ETag of the list's first page (or the object) the state came from, for a conditional request next time.</param>
    public void Advance<T>(string resource, T state, string? etag = null) => context.AdvanceCursor(resource, JsonSerializer.Serialize(state, Json), etag);

    /// <inheritdoc cref="Advance{T}"/>
    public void AdvanceText(string resource, string value, string? etag = null) => context.AdvanceCursor(resource, value, etag);

    private static T? Parse<T>(string? json) where T : class
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<T>(json, Json);
        }
        catch (JsonException)
        {
            // A cursor from an older format: read everything again (harmless, rows replace by natural key).
            return null;
        }
    }
}
