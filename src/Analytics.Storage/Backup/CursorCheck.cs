using Analytics.Storage.Catalog;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Storage.Backup;

/// <summary>
/// Refuses a catalog whose ingest cursors are ahead of the events it would be paired with: the next run would resume
/// after rows the store does not hold and skip them for good.
/// </summary>
/// <remarks>
/// "Ahead", concretely: cursors are saved only after a run's rows became visible, and every row carries the time it
/// was written (<c>ingested_at</c>, never before its run started). So for each source with cursors, take its newest
/// succeeded run that wrote rows; the store must hold a row of that source written at or after that run's start.
/// If its newest row is older (or it has none), the cursors point past rows the store lacks. The catalog's times
/// come from the app's clock and <c>ingested_at</c> from ClickHouse's: one clock with the embedded engine; with a
/// server, keep the clocks in sync (NTP), as for any database.
/// </remarks>
internal static class CursorCheck
{
    public static async Task EnsureNotAheadAsync(string catalogFile, BackupMount events, CancellationToken cancellationToken)
    {
        var options = new DbContextOptionsBuilder<CatalogDbContext>().UseSqlite($"Data Source={catalogFile};Mode=ReadOnly;Pooling=False").Options;
        await using var catalog = new CatalogDbContext(options);
        var sources = await catalog.SourceCursors.Select(cursor => cursor.Source.Name).Distinct().ToListAsync(cancellationToken);
        foreach (var source in sources.Order(StringComparer.Ordinal))
        {
            var runs = await catalog.IngestRuns
                .Where(run => run.Source.Name == source && run.Status == IngestRunStatus.Succeeded)
                .OrderByDescending(run => run.StartedAt)
                .ToListAsync(cancellationToken);
            if (runs.FirstOrDefault(run => run.ReadRowsPerTable().Values.Sum() > 0) is not { } last)
            {
                continue; // its cursors only ever moved past nothing
            }
            var newest = await events.NewestIngestedAsync(source, cancellationToken);
            if (newest is null || newest < last.StartedAt)
            {
                var held = newest is { } at ? $"its newest row there was written {at.UtcDateTime:yyyy-MM-dd HH:mm:ss.fff} UTC" : "it holds none of its rows";
                throw new BackupRefusedException(
                    $"Refusing to restore: the catalog's cursors for source '{source}' are ahead of the store's events (its run {last.Id}, "
                    + $"started {last.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss.fff} UTC, wrote rows the store lacks: {held}); the next ingest "
                    + "would skip them. Restore a catalog and a store saved together by one `analytics backup`.");
            }
        }
    }
}
