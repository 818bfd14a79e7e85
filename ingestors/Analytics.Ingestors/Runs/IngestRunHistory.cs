using Analytics.Storage.Catalog;

namespace Analytics.Ingestors.Runs;

/// <summary>One recorded run with its source's name, for listings.</summary>
public sealed record IngestRunEntry(
    int Id, string Source, string Kind, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, IngestRunStatus Status,
    IReadOnlyDictionary<string, long> RowsPerTable, string? Error);

/// <summary>The latest runs of every source or one: what <c>analytics runs</c> lists.</summary>
public sealed class IngestRunHistory(IngestRunLog catalog)
{
    /// <summary>The newest <paramref name="take"/> runs, newest first; of <paramref name="source"/> only when given.</summary>
    public async Task<IReadOnlyList<IngestRunEntry>> RecentAsync(string? source, int take, CancellationToken cancellationToken = default)
    {
        var runs = await catalog.RecentRunsAsync(source, take, cancellationToken);
        return runs.Select(r => new IngestRunEntry(r.Id, r.Source.Name, r.Source.Kind, r.StartedAt, r.FinishedAt, r.Status, r.ReadRowsPerTable(), r.Error))
            .ToList();
    }
}
