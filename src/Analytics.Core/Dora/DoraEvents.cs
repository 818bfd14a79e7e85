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

/// <param name="TouchesPaths">
/// The commit was linked to the deployment's service because it touches paths the service owns in a shared
/// repository (<see cref="ServicePaths"/>): it is a change of that service, counted per service, not per repository.
/// </param>
public sealed record DeploymentCommitLink(string DeploymentId, string Repository, string Sha, string Link, bool TouchesPaths = false);

public sealed record CommitEvent(string Repository, string Sha, DateTimeOffset AuthoredAt, DateTimeOffset CommittedAt);

public sealed record IncidentEvent(string IncidentId, string Service, DateTimeOffset StartedAt, DateTimeOffset? ResolvedAt, string CausedByDeploymentId);

/// <summary>[ValidFrom, ValidTo); ValidTo null = still owned.</summary>
public sealed record OwnershipRange(string Service, string Team, DateTimeOffset ValidFrom, DateTimeOffset? ValidTo);

/// <summary>Source "" applies to every source; Pattern is an SQL LIKE pattern.</summary>
public sealed record ProductionRule(string Source, string Pattern);

public sealed record DoraHistory(
    IReadOnlyList<DeploymentEvent> Deployments,
    IReadOnlyList<DeploymentCommitLink> DeploymentCommits,
    IReadOnlyList<CommitEvent> Commits,
    IReadOnlyList<IncidentEvent> Incidents,
    IReadOnlyList<OwnershipRange> Ownership,
    IReadOnlyList<ProductionRule> ProductionRules);
