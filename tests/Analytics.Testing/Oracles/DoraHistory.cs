using Analytics.Core.Dora;

namespace Analytics.Testing.Oracles;

// The rows the DORA oracle reads besides Core's event records: only the oracle reads them as C# records
// (the queries read these tables in SQL).

public sealed record CommitEvent(string Repository, string Sha, DateTimeOffset AuthoredAt, DateTimeOffset CommittedAt)
{
    /// <summary>The subject (first line of the message), as stored.</summary>
    public string Message { get; init; } = "";

    /// <summary>The shas the message says it reverts ("This reverts commit …").</summary>
    public IReadOnlyList<string> Reverts { get; init; } = [];
}

/// <summary>What the kind rules read from a merged pull request.</summary>
public sealed record MergedPullRequest(string Repository, long Number, string Title, string HeadBranch, IReadOnlyList<string> Labels, string MergeSha);

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
    IReadOnlyList<ProductionRule> ProductionRules)
{
    /// <summary>Merged pull requests, for the revert and hotfix rules; none = no pull request data.</summary>
    public IReadOnlyList<MergedPullRequest> PullRequests { get; init; } = [];

    /// <summary>The catalog's services and the repository each is built from, for the breakdown by repository.</summary>
    public IReadOnlyList<ServiceRepositoryLink> Services { get; init; } = [];
}
