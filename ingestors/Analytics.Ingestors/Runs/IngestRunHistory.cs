using Analytics.Storage.Catalog;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Ingestors.Runs;

/// <summary>One recorded run with its source's name, for listings.</summary>
public sealed record IngestRunEntry(
    int Id, string Source, string Kind, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, IngestRunStatus Status,
    IReadOnlyDictionary<string, long> RowsPerTable, string? Error);

/// <summary>The latest runs of every source or one: what <c>analytics runs</c> lists.</summary>
public sealed class IngestRunHistory(IDbContextFactory<CatalogDbContext> catalog)
{
    /// <summary>The newest <paramref name="take"/> runs, newest first; of <paramref name="source"/> only when given.</summary>
    public async Task<IReadOnlyList<IngestRunEntry>> RecentAsync(string? source, int take, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(take);
        await using var db = await catalog.CreateDbContextAsync(cancellationToken);
        var runs = await db.IngestRuns.AsNoTracking()
            .Where(r => source == null || r.Source.Name == source)
            .OrderByDescending(r => r.StartedAt).ThenByDescending(r => r.Id)
            .Take(take)
            .Select(r => new { Run = r, r.Source.Name, r.Source.Kind })
            .ToListAsync(cancellationToken);
        return runs.Select(r => new IngestRunEntry(r.Run.Id, r.Name, r.Kind, r.Run.StartedAt, r.Run.FinishedAt, r.Run.Status, r.Run.ReadRowsPerTable(), r.Run.Error))
            .ToList();
    }
}
