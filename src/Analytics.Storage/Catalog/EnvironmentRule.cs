namespace Analytics.Storage.Catalog;

/// <summary>
/// Classifies deployment environment names, so DORA metrics count only production deployments. A name is
/// production when a production rule matches it and no "not production" rule does (the exception wins).
/// </summary>
public class EnvironmentRule
{
    /// <summary>The <see cref="Source"/> value meaning "applies to every source".</summary>
    public const string AnySource = "";

    /// <summary>
    /// The default production rule: prod, production or prd as the whole name or as a word of it (between
    /// non-alphanumerics): Production, prod-eu, eu-prod, production/eu-west, PRD. Not products, reproduction, prod2.
    /// </summary>
    public const string DefaultProduction = "(.*[^a-z0-9])?(prod|production|prd)([^a-z0-9].*)?";

    /// <summary>The default exception: pre-prod, preprod, non-prod, not-production, eu-pre-prod are not production.</summary>
    public const string DefaultNotProduction = "(.*[^a-z0-9])?(pre|non|not)[-_. ]?(prod|production|prd)([^a-z0-9].*)?";

    public int Id { get; set; }

    /// <summary>Source name the rule applies to, or <see cref="AnySource"/>.</summary>
    public string Source { get; set; } = AnySource;

    /// <summary>
    /// A regular expression (RE2, as ClickHouse runs it: no look-around) matched against the whole environment name,
    /// ignoring case (<c>(?-i)</c> inside the pattern makes it case-sensitive), e.g. <c>prod(-.*)?</c>.
    /// </summary>
    public required string Pattern { get; set; }

    public bool IsProduction { get; set; }
}
