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
    DateTimeOffset? FinishedAt)
{
    public string Repository { get; init; } = "";

    /// <summary>The commit deployed; "" when the source does not say.</summary>
    public string Sha { get; init; } = "";

    /// <summary>The branch or tag deployed: refs/heads/…, refs/tags/…, or a bare name when the source does not say which.</summary>
    public string Ref { get; init; } = "";
}

/// <param name="TouchesPaths">
/// The commit was linked to the deployment's service because it touches paths the service owns in a shared
/// repository (<see cref="ServicePaths"/>): it is a change of that service, counted per service, not per repository.
/// </param>
public sealed record DeploymentCommitLink(string DeploymentId, string Repository, string Sha, string Link, bool TouchesPaths = false);

public sealed record IncidentEvent(string IncidentId, string Service, DateTimeOffset StartedAt, DateTimeOffset? ResolvedAt, string CausedByDeploymentId)
{
    public string Severity { get; init; } = "";
}

/// <summary>[ValidFrom, ValidTo); ValidTo null = still owned.</summary>
public sealed record OwnershipRange(string Service, string Team, DateTimeOffset ValidFrom, DateTimeOffset? ValidTo);
