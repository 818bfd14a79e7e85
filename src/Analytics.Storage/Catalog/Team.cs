namespace Analytics.Storage.Catalog;

/// <summary>A team that owns services and has members, e.g. slug "payments".</summary>
public class Team
{
    public int Id { get; set; }

    /// <summary>Stable, URL-safe key used everywhere else (metrics, the ClickHouse mirror). Unique.</summary>
    public required string Slug { get; set; }

    public required string Name { get; set; }
}
