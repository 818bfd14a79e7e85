using Analytics.Storage.ClickHouse;

namespace Analytics.Storage.Metrics;

/// <summary>
/// One environment name as deployments of a source used it, and how the catalog's rules classify it
/// (admin/environment_names.sql over the view environment_classification, the definition the metrics use).
/// </summary>
/// <param name="ProductionPatterns">The production rules that match the name.</param>
/// <param name="ExcludingPatterns">The "not production" rules that match it; any one of them makes it not production.</param>
/// <param name="Tier">The tier the source stated for the environment (GitLab's); when there is one it decides, not the rules. "" = none.</param>
public sealed record EnvironmentName(
    string Source, string Environment, ulong Deployments, DateTimeOffset LastSeenAt, string Tier, bool IsProduction,
    string[] ProductionPatterns, string[] ExcludingPatterns)
{
    /// <summary>Why the name is classified as it is, in words.</summary>
    public string Reason => Tier.Length > 0
        ? $"{(IsProduction ? "production" : "not production")}: the source gives it tier {Tier}"
        : ExcludingPatterns.Length > 0
        ? $"not production: matches the exception {string.Join(", ", ExcludingPatterns)}"
        : ProductionPatterns.Length > 0
            ? $"production: matches {string.Join(", ", ProductionPatterns)}"
            : "not production: no rule matches";
}

public sealed class EnvironmentNameQueries(IClickHouseStore store, SqlFiles sqlFiles)
{
    /// <summary>Every (source, environment name) seen, production first within a source.</summary>
    public Task<IReadOnlyList<EnvironmentName>> SeenAsync(CancellationToken cancellationToken = default) =>
        store.QueryAsync<EnvironmentName>(sqlFiles.Query("admin/environment_names"), cancellationToken: cancellationToken);
}
