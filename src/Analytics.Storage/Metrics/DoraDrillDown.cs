using Analytics.Core.Dora;
using Analytics.Storage.ClickHouse;
using Microsoft.Extensions.Options;

namespace Analytics.Storage.Metrics;

/// <summary>
/// The rows behind each DORA figure (sql/clickhouse/queries/dora/{deployments,changes,incidents}.sql), same definitions as
/// the figures: a team's (<see cref="DoraRequest.Team"/>), or one service's or repository's (<see cref="DoraRequest.By"/> and
/// <see cref="DoraRequest.Unit"/>), or all.
/// </summary>
public sealed class DoraDrillDown(IClickHouseStore store, SqlFiles sqlFiles, IOptions<MetricOptions> options)
{
    public const int DefaultLimit = 500;

    public Task<IReadOnlyList<DeploymentRow>> DeploymentsAsync(DoraRequest request, int limit = DefaultLimit, CancellationToken cancellationToken = default) =>
        store.QueryAsync<DeploymentRow>(sqlFiles.Query("dora/deployments"), Parameters(request, limit), cancellationToken);

    public Task<IReadOnlyList<ChangeRow>> ChangesAsync(DoraRequest request, int limit = DefaultLimit, CancellationToken cancellationToken = default) =>
        store.QueryAsync<ChangeRow>(sqlFiles.Query("dora/changes"), Parameters(request, limit), cancellationToken);

    public Task<IReadOnlyList<IncidentRow>> IncidentsAsync(DoraRequest request, int limit = DefaultLimit, CancellationToken cancellationToken = default) =>
        store.QueryAsync<IncidentRow>(sqlFiles.Query("dora/incidents"), Parameters(request, limit), cancellationToken);

    /// <summary>
    /// The team's issues (sql/clickhouse/queries/pr/issues.sql): each Jira issue key its pull requests name, the pull
    /// requests, the deployment that first shipped each, and the issue's lead time. Needs <see cref="DoraRequest.Team"/>.
    /// </summary>
    public Task<IReadOnlyList<IssueRow>> IssuesAsync(DoraRequest request, int limit = DefaultLimit, CancellationToken cancellationToken = default) =>
        store.QueryAsync<IssueRow>(sqlFiles.Query("pr/issues"), Parameters(request, limit, ("projects", options.Value.IssueKeyProjectsParameter())), cancellationToken);

    private QueryParameters Parameters(DoraRequest request, int limit, params (string Name, object? Value)[] more) => QueryParameters.From([..more,
        ("from", request.From),
        ("to", request.To),
        ("team", request.Team ?? DoraQueries.OrganisationKey),
        ("by", request.By.Name()),
        ("unit", request.Unit ?? DoraQueries.OrganisationKey),
        ("use_author_time", options.Value.UseAuthorTime),
        ("incident_window_ms", options.Value.IncidentAttributionWindowMilliseconds),
        ("severities", request.SeverityParameter()),
        ("limit", (uint)Math.Clamp(limit, 1, 100_000))]);
}

/// <param name="FailureEvidence">Why it counts as failed, e.g. "incident_window:INC-12", "rollback:payments-88"; empty when it did not fail.</param>
public sealed record DeploymentRow(
    string DeploymentId, string Service, string Team, string Environment, string Kind, string RelatedDeploymentId, string Sha,
    DateTimeOffset StartedAt, DateTimeOffset FinishedAt, string Url, bool CausedFailure, string[] FailureEvidence)
{
    /// <summary>
    /// Why the deployment has its kind: "stated" (the source said so), what the data showed ("sha_shipped_by:d1",
    /// "revert_commit:abc", "hotfix_branch:hotfix/login", …), "no_commit_data" for kind unknown, "" for normal.
    /// </summary>
    public string KindEvidence { get; init; } = "";
}

public sealed record ChangeRow(
    string Repository, string Sha, string Team, string DeploymentId, string Link, string Message,
    DateTimeOffset CommittedAt, DateTimeOffset DeployedAt, double LeadSeconds, bool Excluded);

/// <summary>One pull request naming an issue key, and the issue's figures (the same on each of its rows).</summary>
/// <param name="DeploymentId">The production deployment that first shipped the pull request's merge commit; empty when none has.</param>
/// <param name="IssueShippedAt">When the last of the issue's merged pull requests first shipped, once all have; null before.</param>
/// <param name="IssueLeadSeconds">From the issue's earliest first commit to <paramref name="IssueShippedAt"/>; null when unknown.</param>
public sealed record IssueRow(
    string IssueKey, string Repository, uint Number, string Title, string Url, DateTimeOffset OpenedAt, DateTimeOffset? FirstCommitAt,
    DateTimeOffset? MergedAt, string DeploymentId, DateTimeOffset? DeployedAt, DateTimeOffset? IssueShippedAt, double? IssueLeadSeconds);

/// <param name="State">"resolved" in the period or "open" at its end; DurationSeconds is the age at the end for open ones.</param>
public sealed record IncidentRow(
    string IncidentId, string Service, string Team, string Severity, string Title, DateTimeOffset StartedAt, DateTimeOffset? ResolvedAt,
    string State, double DurationSeconds, string BlamedDeploymentId, string Url);
