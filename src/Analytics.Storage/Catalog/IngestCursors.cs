using Microsoft.EntityFrameworkCore;

namespace Analytics.Storage.Catalog;

/// <summary>
/// Where each source's last successful ingest stopped, per resource (a value and an HTTP ETag), so the next run goes
/// on from there. Each call uses its own short-lived <see cref="CatalogDbContext"/>: safe to share as a singleton.
/// </summary>
public sealed class IngestCursors(IDbContextFactory<CatalogDbContext> contextFactory, TimeProvider timeProvider)
{
    /// <summary>Where the last ingest of this resource stopped, or null if it never ran.</summary>
    public async Task<SourceCursor?> GetCursorAsync(string sourceName, string resource, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.SourceCursors
            .AsNoTracking()
            .SingleOrDefaultAsync(c => c.Source.Name == sourceName && c.Resource == resource, cancellationToken);
    }

    /// <summary>Creates or overwrites the cursor for one resource of a source.</summary>
    /// <exception cref="ArgumentException">No source has this name.</exception>
    public async Task SaveCursorAsync(string sourceName, string resource, string value, string? etag, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var sourceId = await CatalogSourceIds.RequireAsync(db, sourceName, cancellationToken);
        var cursor = await db.SourceCursors.SingleOrDefaultAsync(c => c.SourceId == sourceId && c.Resource == resource, cancellationToken);
        if (cursor is null)
        {
            cursor = new SourceCursor { SourceId = sourceId, Resource = resource, Value = value };
            db.SourceCursors.Add(cursor);
        }

        cursor.Value = value;
        cursor.ETag = etag;
        cursor.UpdatedAt = timeProvider.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
    }
}
