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

    /// <summary>The machine running a leased run (<see cref="Environment.MachineName"/>).</summary>
    public string? HolderHost { get; set; }

    /// <summary>The process running a leased run, on <see cref="HolderHost"/>.</summary>
    public int? HolderProcessId { get; set; }

    /// <summary>When that process started: a pid reused by another process does not keep the run alive.</summary>
    public DateTimeOffset? HolderProcessStartedAt { get; set; }

    /// <summary>
    /// The event tables whose staged rows the run began to make visible (comma-separated), recorded before the
    /// first copy: should the run's process die during the copies, the next run of the source finishes them.
    /// </summary>
    public string? PublishingTables { get; set; }

    /// <summary>Rows written per ClickHouse table, e.g. {"commits":120}.</summary>
    public string RowsPerTableJson { get; set; } = "{}";

    /// <summary>Why a failed run failed, or the warnings of a succeeded one (each line starting "Warning: ").</summary>
    public string? Error { get; set; }

    public IReadOnlyDictionary<string, long> ReadRowsPerTable() =>
        JsonSerializer.Deserialize<Dictionary<string, long>>(RowsPerTableJson) ?? [];
}

/// <summary>The process that holds a run's lease: who may tell, on the same machine, whether it still runs.</summary>
public sealed record RunHolder(string Host, int ProcessId, DateTimeOffset? ProcessStartedAt)
{
    /// <summary>This process.</summary>
    public static RunHolder Current { get; } = FromCurrentProcess();

    /// <summary>
    /// True when the holder is known to have stopped: it ran on this machine and no process has its id now, or the
    /// process with its id started at another time (the id was reused). A holder on another machine is never known
    /// to be gone: its lease runs out instead.
    /// </summary>
    public bool IsKnownGone()
    {
        if (!string.Equals(Host, Environment.MachineName, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        var startedAt = StartTimeOf(ProcessId);
        if (startedAt is null)
        {
            return true;
        }
        // Start times read twice may differ by a clock tick; a reused pid starts seconds or more apart.
        return startedAt != DateTimeOffset.MinValue && ProcessStartedAt is { } recorded && (startedAt.Value - recorded).Duration() > TimeSpan.FromSeconds(1);
    }

    private static RunHolder FromCurrentProcess() =>
        new(Environment.MachineName, Environment.ProcessId, StartTimeOf(Environment.ProcessId));

    private static DateTimeOffset? StartTimeOf(int processId)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(processId);
            return process.HasExited ? null : new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero);
        }
        catch (Exception error) when (error is ArgumentException or InvalidOperationException)
        {
            return null; // no such process
        }
        catch (Exception error) when (error is System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return DateTimeOffset.MinValue; // it exists, but its start time cannot be read: treat as alive
        }
    }
}

/// <summary>The answer to a claim of a source: this process's new run, or the run that holds the source.</summary>
/// <param name="Claimed">True when <see cref="RunId"/> is the new run; false when it is the run already holding the source.</param>
public sealed record RunClaim(bool Claimed, int RunId, DateTimeOffset StartedAt);
