using System.Text.Json;

namespace Analytics.Storage.Catalog;

public enum IngestRunStatus
{
    Running,
    Succeeded,
    Failed,
}

/// <summary>One execution of an ingestor against a source, for the "last runs" page and alerting.</summary>
public class IngestRun
{
    public int Id { get; set; }

    public int SourceId { get; set; }

    public Source Source { get; set; } = null!;

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public IngestRunStatus Status { get; set; }

    /// <summary>Rows written per ClickHouse table, e.g. {"commits":120}.</summary>
    public string RowsPerTableJson { get; set; } = "{}";

    public string? Error { get; set; }

    public IReadOnlyDictionary<string, long> ReadRowsPerTable() =>
        JsonSerializer.Deserialize<Dictionary<string, long>>(RowsPerTableJson) ?? [];
}
