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

    /// <summary>
    /// Until when this run holds its source, renewed while it runs: no other run of the source may start, in any
    /// process, while a running run holds a lease. A running run past it was abandoned (its process died). Null for
    /// runs that may overlap (pushes).
    /// </summary>
    public DateTimeOffset? LeaseExpiresAt { get; set; }

    /// <summary>Rows written per ClickHouse table, e.g. {"commits":120}.</summary>
    public string RowsPerTableJson { get; set; } = "{}";

    /// <summary>Why a failed run failed, or the warnings of a succeeded one (each line starting "Warning: ").</summary>
    public string? Error { get; set; }

    public IReadOnlyDictionary<string, long> ReadRowsPerTable() =>
        JsonSerializer.Deserialize<Dictionary<string, long>>(RowsPerTableJson) ?? [];
}

/// <summary>The answer to a claim of a source: this process's new run, or the run that holds the source.</summary>
/// <param name="Claimed">True when <see cref="RunId"/> is the new run; false when it is the run already holding the source.</param>
public sealed record RunClaim(bool Claimed, int RunId, DateTimeOffset StartedAt);
