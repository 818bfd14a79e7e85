namespace Analytics.Core.Dora;

// The facts the DORA definitions read, as plain records: what the oracle computes from, and what the
// ClickHouse tables hold (one record per table row, after deduplication).

public sealed record DeploymentEvent(
    string DeploymentId,
    string Service,
    string Environment,
    string Status,
    string Kind,
    string RelatedDeploymentId,
    string Source,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt);

public sealed record DeploymentCommitLink(string DeploymentId, string Repository, string Sha, string Link);

public sealed record CommitEvent(string Repository, string Sha, DateTimeOffset AuthoredAt, DateTimeOffset CommittedAt);

public sealed record IncidentEvent(string IncidentId, string Service, DateTimeOffset StartedAt, DateTimeOffset? ResolvedAt, string CausedByDeploymentId);

/// <summary>[ValidFrom, ValidTo); ValidTo null = still owned.</summary>
public sealed record OwnershipRange(string Service, string Team, DateTimeOffset ValidFrom, DateTimeOffset? ValidTo);

/// <summary>
/// Source "" applies to every source; Pattern is a regular expression matched against the whole environment name,
/// ignoring case. A matching rule with IsProduction false ("not production") wins over production rules.
/// </summary>
public sealed record ProductionRule(string Source, string Pattern, bool IsProduction = true);

public sealed record DoraHistory(
    IReadOnlyList<DeploymentEvent> Deployments,
    IReadOnlyList<DeploymentCommitLink> DeploymentCommits,
    IReadOnlyList<CommitEvent> Commits,
    IReadOnlyList<IncidentEvent> Incidents,
    IReadOnlyList<OwnershipRange> Ownership,
    IReadOnlyList<ProductionRule> ProductionRules);
