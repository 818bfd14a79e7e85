namespace Analytics.Storage.Catalog;

/// <summary>A configured data source that an ingestor reads from.</summary>
public class Source
{
    public int Id { get; set; }

    /// <summary>Unique name, e.g. "github-acme".</summary>
    public required string Name { get; set; }

    /// <summary>Which ingestor handles it: "github", "git", "csv", "demo".</summary>
    public required string Kind { get; set; }

    /// <summary>Quartz cron expression; null means run on demand only.</summary>
    public string? CronSchedule { get; set; }

    public bool Enabled { get; set; } = true;

    /// <summary>Ingestor-specific settings. Never secrets: those come from configuration/user secrets.</summary>
    public string? SettingsJson { get; set; }

    public List<SourceCursor> Cursors { get; set; } = [];
}

/// <summary>
/// Where an incremental ingest stopped for one resource of a source (e.g. "acme/api:pulls"),
/// so the next run resumes instead of re-reading everything.
/// </summary>
public class SourceCursor
{
    public int Id { get; set; }

    public int SourceId { get; set; }

    public Source Source { get; set; } = null!;

    public required string Resource { get; set; }

    /// <summary>Opaque to the catalog: a timestamp, page token or commit SHA, as the ingestor chooses.</summary>
    public required string Value { get; set; }

    /// <summary>HTTP ETag of the last response, for conditional requests that do not cost rate limit.</summary>
    public string? ETag { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
