namespace Analytics.Core.Dora;

// The facts the DORA definitions read, as plain records: what the ClickHouse tables hold (one record per table row,
// after deduplication). The test oracles (tests/Analytics.Testing) compute from them too.

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

public sealed record IncidentEvent(string IncidentId, string Service, DateTimeOffset StartedAt, DateTimeOffset? ResolvedAt, string CausedByDeploymentId);

/// <summary>[ValidFrom, ValidTo); ValidTo null = still owned.</summary>
public sealed record OwnershipRange(string Service, string Team, DateTimeOffset ValidFrom, DateTimeOffset? ValidTo);
