using Analytics.Core.Dora;

namespace Analytics.Testing.Oracles;

// The rows the DORA oracle reads besides Core's event records: only the oracle reads them as C# records
// (the queries read these tables in SQL).

public sealed record CommitEvent(string Repository, string Sha, DateTimeOffset AuthoredAt, DateTimeOffset CommittedAt);

/// <summary>Source "" applies to every source; Pattern is an SQL LIKE pattern.</summary>
public sealed record ProductionRule(string Source, string Pattern);

public sealed record DoraHistory(
    IReadOnlyList<DeploymentEvent> Deployments,
    IReadOnlyList<DeploymentCommitLink> DeploymentCommits,
    IReadOnlyList<CommitEvent> Commits,
    IReadOnlyList<IncidentEvent> Incidents,
    IReadOnlyList<OwnershipRange> Ownership,
    IReadOnlyList<ProductionRule> ProductionRules);
