using Microsoft.EntityFrameworkCore;

namespace Analytics.Storage.Catalog;

/// <summary>A source's id by its name, for the run log and the cursors, which both refuse an unknown source.</summary>
internal static class CatalogSourceIds
{
    public static async Task<int> RequireAsync(CatalogDbContext db, string sourceName, CancellationToken cancellationToken)
    {
        var sourceId = await db.Sources
            .Where(s => s.Name == sourceName)
            .Select(s => (int?)s.Id)
            .SingleOrDefaultAsync(cancellationToken);
        return sourceId ?? throw new ArgumentException($"Unknown source '{sourceName}'.", nameof(sourceName));
    }
}
