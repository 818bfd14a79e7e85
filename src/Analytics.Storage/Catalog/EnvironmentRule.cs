namespace Analytics.Storage.Catalog;

/// <summary>
/// Classifies deployment environment names, so DORA metrics count only production deployments.
/// </summary>
public class EnvironmentRule
{
    /// <summary>The <see cref="Source"/> value meaning "applies to every source".</summary>
    public const string AnySource = "";

    public int Id { get; set; }

    /// <summary>Source name the rule applies to, or <see cref="AnySource"/>.</summary>
    public string Source { get; set; } = AnySource;

    /// <summary>A SQL LIKE pattern matched against the environment name, e.g. "prod%".</summary>
    public required string Pattern { get; set; }

    public bool IsProduction { get; set; }
}
