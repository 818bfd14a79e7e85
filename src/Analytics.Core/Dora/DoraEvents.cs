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
    DateTimeOffset? FinishedAt)
{
    public string Repository { get; init; } = "";

    /// <summary>The commit deployed; "" when the source does not say.</summary>
    public string Sha { get; init; } = "";

    /// <summary>The branch or tag deployed: refs/heads/…, refs/tags/…, or a bare name when the source does not say which.</summary>
    public string Ref { get; init; } = "";
}

public sealed record DeploymentCommitLink(string DeploymentId, string Repository, string Sha, string Link);

public sealed record CommitEvent(string Repository, string Sha, DateTimeOffset AuthoredAt, DateTimeOffset CommittedAt)
{
    /// <summary>The subject (first line of the message), as stored.</summary>
    public string Message { get; init; } = "";

    /// <summary>The shas the message says it reverts ("This reverts commit …").</summary>
    public IReadOnlyList<string> Reverts { get; init; } = [];
}

/// <summary>What the kind rules read from a merged pull request.</summary>
public sealed record MergedPullRequest(string Repository, long Number, string Title, string HeadBranch, IReadOnlyList<string> Labels, string MergeSha);

public sealed record IncidentEvent(string IncidentId, string Service, DateTimeOffset StartedAt, DateTimeOffset? ResolvedAt, string CausedByDeploymentId)
{
    public string Severity { get; init; } = "";
}

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
    IReadOnlyList<ProductionRule> ProductionRules)
{
    /// <summary>Merged pull requests, for the revert and hotfix rules; none = no pull request data.</summary>
    public IReadOnlyList<MergedPullRequest> PullRequests { get; init; } = [];
}
