using System.Text.Json;
using System.Text.Json.Serialization;
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

    /// <summary>The most rows one page may ask for (the rows API's ?limit=, a grid's page).</summary>
    public const int MaxLimit = 100_000;

    public async Task<IReadOnlyList<DeploymentRow>> DeploymentsAsync(DoraRequest request, int limit = DefaultLimit, CancellationToken cancellationToken = default) =>
        (await DeploymentPageAsync(request, 0, limit, cancellationToken: cancellationToken)).Rows;

    public async Task<IReadOnlyList<ChangeRow>> ChangesAsync(DoraRequest request, int limit = DefaultLimit, CancellationToken cancellationToken = default) =>
        (await ChangePageAsync(request, 0, limit, cancellationToken)).Rows;

    public async Task<IReadOnlyList<IncidentRow>> IncidentsAsync(DoraRequest request, int limit = DefaultLimit, CancellationToken cancellationToken = default) =>
        (await IncidentPageAsync(request, 0, limit, cancellationToken)).Rows;

    /// <summary>Production deployments (dora/deployments.sql), newest first; <paramref name="failedOnly"/>: those that caused a failure.</summary>
    public Task<DrillDownPage<DeploymentRow>> DeploymentPageAsync(DoraRequest request, int offset, int limit, bool failedOnly = false, CancellationToken cancellationToken = default) =>
        PageAsync<DeploymentRow>("dora/deployments", request, offset, limit, cancellationToken, ("failed_only", failedOnly));

    /// <summary>The commits behind lead time per commit (dora/changes.sql), slowest first.</summary>
    public Task<DrillDownPage<ChangeRow>> ChangePageAsync(DoraRequest request, int offset, int limit, CancellationToken cancellationToken = default) =>
        PageAsync<ChangeRow>("dora/changes", request, offset, limit, cancellationToken);

    /// <summary>The merged pull requests behind lead time per pull request (dora/pull_request_changes.sql), slowest first.</summary>
    public Task<DrillDownPage<PullRequestChangeRow>> PullRequestChangePageAsync(DoraRequest request, int offset, int limit, CancellationToken cancellationToken = default) =>
        PageAsync<PullRequestChangeRow>("dora/pull_request_changes", request, offset, limit, cancellationToken);

    /// <summary>The incidents behind time to restore service (dora/incidents.sql), newest first.</summary>
    public Task<DrillDownPage<IncidentRow>> IncidentPageAsync(DoraRequest request, int offset, int limit, CancellationToken cancellationToken = default) =>
        PageAsync<IncidentRow>("dora/incidents", request, offset, limit, cancellationToken);

    /// <summary>
    /// The team's issues (sql/clickhouse/queries/pr/issues.sql): each Jira issue key its pull requests name, the pull
    /// requests, the deployment that first shipped each, and the issue's lead time. Needs <see cref="DoraRequest.Team"/>.
    /// </summary>
    public async Task<IReadOnlyList<IssueRow>> IssuesAsync(DoraRequest request, int limit = DefaultLimit, CancellationToken cancellationToken = default) =>
        (await IssuePageAsync(request, 0, limit, cancellationToken)).Rows;

    /// <summary>One page of <see cref="IssuesAsync"/>; each row also says how many distinct issues the whole listing has (<see cref="IssueRow.IssueKeys"/>).</summary>
    public Task<DrillDownPage<IssueRow>> IssuePageAsync(DoraRequest request, int offset, int limit, CancellationToken cancellationToken = default) =>
        PageAsync<IssueRow>("pr/issues", request, offset, limit, cancellationToken, ("projects", options.Value.IssueKeyProjectsParameter()));

    /// <summary>
    /// One page of a drill-down file: <paramref name="limit"/> rows from <paramref name="offset"/>, and how many rows there
    /// are in all (the file's <c>total_rows</c>, <c>count() OVER ()</c>, so the page and its total come from one read).
    /// </summary>
    private async Task<DrillDownPage<TRow>> PageAsync<TRow>(string file, DoraRequest request, int offset, int limit, CancellationToken cancellationToken,
        params (string Name, object? Value)[] extra)
    {
        var sql = sqlFiles.Query(file);
        var lines = await store.QueryAsync<JsonElement>(sql, Parameters(request, offset, limit, extra), cancellationToken);
        if (lines.Count == 0 && offset > 0)
        {
            // Past the last row: no row carries the total, so read it from the first row.
            var first = await store.QueryAsync<JsonElement>(sql, Parameters(request, 0, 1, extra), cancellationToken);
            return new DrillDownPage<TRow>([], first.Count == 0 ? 0 : TotalOf(first[0]));
        }
        return new DrillDownPage<TRow>(
            [.. lines.Select(line => line.Deserialize<TRow>(RowMapper.Options) ?? throw new InvalidOperationException($"A result row did not map to {typeof(TRow).Name}."))],
            lines.Count == 0 ? 0 : TotalOf(lines[0]));
    }

    private static long TotalOf(JsonElement line) => line.Deserialize<TotalRows>(RowMapper.Options)!.Total;

    private sealed record TotalRows([property: JsonPropertyName("total_rows")] long Total);

    private QueryParameters Parameters(DoraRequest request, int offset, int limit, (string Name, object? Value)[] extra) => QueryParameters.From(
        [
            ("from", request.From),
            ("to", request.To),
            ("team", request.Team ?? DoraQueries.OrganisationKey),
            ("by", request.By.Name()),
            ("unit", request.Unit ?? DoraQueries.OrganisationKey),
            ("use_author_time", options.Value.UseAuthorTime),
            ("incident_window_ms", options.Value.IncidentAttributionWindowMilliseconds),
            ("severities", request.SeverityParameter()),
            ("limit", (uint)Math.Clamp(limit, 1, MaxLimit)),
            ("offset", (uint)Math.Max(offset, 0)),
            .. extra,
        ]);
}

/// <summary>One page of drill-down rows and how many rows there are in all (the figure's n, for the same request).</summary>
public sealed record DrillDownPage<TRow>(IReadOnlyList<TRow> Rows, long Total);

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
    DateTimeOffset? MergedAt, string DeploymentId, DateTimeOffset? DeployedAt, DateTimeOffset? IssueShippedAt, double? IssueLeadSeconds)
{
    /// <summary>How many distinct issues the whole listing has, on every row (a page's rows are a part of it): the tab's count.</summary>
    public long IssueKeys { get; init; }
}

/// <param name="State">"resolved" in the period or "open" at its end; DurationSeconds is the age at the end for open ones.</param>
public sealed record IncidentRow(
    string IncidentId, string Service, string Team, string Severity, string Title, DateTimeOffset StartedAt, DateTimeOffset? ResolvedAt,
    string State, double DurationSeconds, string BlamedDeploymentId, string Url);

/// <summary>
/// A merged pull request behind lead time per pull request: its merge or squash commit (<see cref="Sha"/>) first shipped by
/// <see cref="DeploymentId"/>; lead time = <see cref="DeployedAt"/> − <see cref="FirstCommitAt"/> (the earliest author time
/// of its commits). <see cref="Excluded"/>: the first commit is unknown or after the deployment (counted, not in the figure).
/// </summary>
public sealed record PullRequestChangeRow(
    string Repository, long Number, string Title, string Sha, string Team, string DeploymentId, string Link,
    DateTimeOffset? FirstCommitAt, DateTimeOffset? MergedAt, DateTimeOffset DeployedAt, double LeadSeconds, bool Excluded, string Url);
