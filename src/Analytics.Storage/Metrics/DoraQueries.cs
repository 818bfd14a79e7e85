using Analytics.Core.Calendar;
using Analytics.Core.Dora;
using Analytics.Core.Space;
using Analytics.Storage.ClickHouse;
using Microsoft.Extensions.Options;

namespace Analytics.Storage.Metrics;

/// <summary>Which slice of DORA figures to compute: [From, To), one team or all (Team null), rows by <see cref="By"/>.</summary>
public sealed record DoraRequest(DateTimeOffset From, DateTimeOffset To, string? Team = null)
{
    /// <summary>
    /// What a row of <see cref="DoraQueries.SummariesAsync"/> is: a team (default), a service or a repository. With
    /// <see cref="Team"/>, the rows split that team's figures: its services' (or their repositories') events while it owned them.
    /// </summary>
    public DoraBreakdown By { get; init; } = DoraBreakdown.Team;

    /// <summary>Incident severities time to restore service and the incident list keep (case-insensitive); empty = every severity.</summary>
    public IReadOnlyList<string> Severities { get; init; } = [];

    /// <summary>What a lead-time sample is (<see cref="Core.Dora.LeadTimeUnit"/>: commit or pull-request); null = Analytics:Metrics:LeadTimeUnit.</summary>
    public string? LeadTimeUnit { get; init; }

    /// <summary>
    /// Only the events of this one row of <see cref="By"/> (a service's or repository's name, or a team's); null = every row.
    /// Read by the series and the drill-downs (the figures' rows are already one per unit).
    /// </summary>
    public string? Unit { get; init; }

    // Value equality over the severities too: requests are compared (and may be cache keys) by what they ask for.
    public bool Equals(DoraRequest? other) =>
        other is not null && From == other.From && To == other.To && Team == other.Team && By == other.By && Severities.SequenceEqual(other.Severities)
        && LeadTimeUnit == other.LeadTimeUnit && Unit == other.Unit;

    public override int GetHashCode() => HashCode.Combine(From, To, Team, By, Severities.Count, LeadTimeUnit, Unit);

    /// <summary>The severities as the SQL compares them: trimmed, lower-cased, each once.</summary>
    internal string[] SeverityParameter() =>
        Severities.Select(s => s.Trim().ToLowerInvariant()).Where(s => s.Length > 0).Distinct().ToArray();
}

/// <summary>
/// The four keys from the named SQL files under sql/clickhouse/queries/dora. Every team owning a service in the
/// period (dora/teams.sql) or with activity in it gets a summary; the organisation's is <see cref="DoraResult.Organisation"/>.
/// With <see cref="DoraRequest.By"/> service or repository the summaries are those units' instead (their
/// <see cref="DoraSummary.Team"/> names the service or repository); the organisation's stays the same.
/// </summary>
/// <param name="clock">Says which weeks and series buckets are over (<see cref="PartialBuckets"/>); the system clock when not given.</param>
public sealed class DoraQueries(IClickHouseStore store, SqlFiles sqlFiles, IOptions<MetricOptions> options, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public const string OrganisationKey = "";

    public async Task<DoraResult> SummariesAsync(DoraRequest request, CancellationToken cancellationToken = default)
    {
        var parameters = SummaryParameters(request);

        var frequency = (await store.QueryAsync<FrequencyRow>(sqlFiles.Query("dora/deployment_frequency"), parameters, cancellationToken)).ToDictionary(row => row.Team);
        var unit = LeadTimeUnitOf(request);
        var leadTime = (await store.QueryAsync<LeadTimeRow>(sqlFiles.Query(LeadTimeQuery(unit)), parameters, cancellationToken)).ToDictionary(row => row.Team);
        var failure = (await store.QueryAsync<FailureRow>(sqlFiles.Query("dora/change_failure_rate"), parameters, cancellationToken)).ToDictionary(row => row.Team);
        var recovery = (await store.QueryAsync<RecoveryRow>(sqlFiles.Query("dora/recovery_time"), parameters, cancellationToken)).ToDictionary(row => row.Team);
        var restore = (await store.QueryAsync<RestoreRow>(sqlFiles.Query("dora/restore_time"), parameters, cancellationToken)).ToDictionary(row => row.Team);

        var known = (await store.QueryAsync<UnitRow>(sqlFiles.Query("dora/teams"), parameters, cancellationToken)).Select(row => row.Unit);
        var teams = known.Union(frequency.Keys).Union(leadTime.Keys).Union(failure.Keys).Union(recovery.Keys).Union(restore.Keys).Append(OrganisationKey).Distinct().Order(StringComparer.Ordinal);
        var months = Math.Max((request.To - request.From).TotalDays / 30.4375, 1.0 / 30.4375);
        // The organisation's median is NULL exactly when the window holds no whole week; a team without a row then has no
        // sample either, else its weeks were all zero.
        var wholeWeeks = frequency.GetValueOrDefault(OrganisationKey)?.MedianDeploymentDaysPerWeek is not null;
        var minimum = options.Value.MinimumSample;
        var summaries = teams.Select(team => new DoraSummary(
                team,
                request.From,
                request.To,
                ToFigure(frequency.GetValueOrDefault(team), months, wholeWeeks),
                ToFigure(leadTime.GetValueOrDefault(team), minimum) with { Unit = unit },
                ToFigure(failure.GetValueOrDefault(team), minimum),
                ToFigure(recovery.GetValueOrDefault(team), restore.GetValueOrDefault(team), minimum),
                ToReworkFigure(failure.GetValueOrDefault(team))))
            .ToList();
        // With a team filter the rollup row repeats that team's figures; it is not the organisation.
        return new DoraResult(request, summaries.Single(s => s.Team == OrganisationKey), summaries.Where(s => s.Team != OrganisationKey).ToList());
    }

    /// <summary>
    /// The figures of <paramref name="result"/>'s team (<see cref="DoraRequest.Team"/>) from any breakdown of it: with a team
    /// filter the rollup row is that team's own figures, so a page that splits a team by service needs no second set of
    /// queries for the team (DoraQueriesTeamRollupTests: equal to the team row, every field, both lead-time units).
    /// </summary>
    public static DoraSummary TeamSummary(DoraResult result) =>
        result.Organisation with { Team = result.Request.Team ?? throw new ArgumentException("The request names no team.", nameof(result)) };

    /// <summary>
    /// The parameters every query of <see cref="SummariesAsync"/> runs with (the figures' files: dora/deployment_frequency,
    /// <see cref="LeadTimeQuery"/>, dora/change_failure_rate, dora/recovery_time, dora/restore_time); public so the
    /// side-by-side benchmark (tools/Analytics.Bench) times each figure's own query exactly as the API runs it.
    /// </summary>
    public QueryParameters SummaryParameters(DoraRequest request)
    {
        EnsurePeriod(request.From, request.To, nameof(request));
        return QueryParameters.From(
            ("from", request.From),
            ("to", request.To),
            ("now", _clock.GetUtcNow()),
            ("team", request.Team ?? OrganisationKey),
            ("tz", options.Value.TimeZone),
            ("use_author_time", options.Value.UseAuthorTime),
            ("incident_window_ms", options.Value.IncidentAttributionWindowMilliseconds),
            ("severities", request.SeverityParameter()),
            ("awaiting_restore_limit_ms", (ulong)options.Value.AwaitingRestoreLimit.TotalMilliseconds),
            ("by", request.By.Name()));
    }

    /// <summary>
    /// Every bucket of the window for the organisation and each row of <see cref="DoraRequest.By"/> with activity (teams,
    /// services or repositories; only <see cref="DoraRequest.Unit"/> when given), zero-filled (dora/series.sql). Lead time
    /// per <see cref="LeadTimeUnitOf"/>, as the figures.
    /// </summary>
    /// <param name="organisationOnly">Only the organisation's points (team <see cref="OrganisationKey"/>), equal to those of the
    /// full series (DoraSeriesOrganisationOnlyTests) and cheaper, for pages that draw only the organisation; the request
    /// then names no team and no unit.</param>
    public async Task<IReadOnlyList<DoraSeriesPoint>> SeriesAsync(DoraRequest request, Granularity granularity, CancellationToken cancellationToken = default,
        bool organisationOnly = false)
    {
        var rows = await store.QueryAsync<SeriesRow>(sqlFiles.Query("dora/series"), SeriesParameters(request, granularity, organisationOnly), cancellationToken);
        var calendar = new MonthGrid(options.Value.TimeZone);
        var now = _clock.GetUtcNow();
        return rows.Select(row => new DoraSeriesPoint(row.Bucket, row.Team, row.Deployments, row.FailedDeployments, row.Changes,
                Seconds(row.LeadTimeMedianSeconds), row.IncidentsResolved, Seconds(row.RecoveryMedianSeconds))
            {
                Partial = PartialBuckets.IsPartial(row.Bucket, granularity, request.From, request.To, now, calendar),
                DaysInPeriod = PartialBuckets.DaysInside(row.Bucket, granularity, request.From, request.To, now, calendar),
                Days = PartialBuckets.Days(row.Bucket, granularity),
            })
            .ToList();
    }

    /// <summary>
    /// The parameters <see cref="SeriesAsync"/> runs dora/series.sql with; public, as <see cref="SummaryParameters"/>, so the
    /// benchmarks time and profile the file exactly as the API runs it.
    /// </summary>
    public QueryParameters SeriesParameters(DoraRequest request, Granularity granularity, bool organisationOnly = false)
    {
        EnsurePeriod(request.From, request.To, nameof(request));
        if (organisationOnly && (request.Team is not null || request.Unit is not null))
        {
            throw new ArgumentException("The organisation's series alone is asked without a team or unit filter.", nameof(request));
        }
        return QueryParameters.From(
            ("from", request.From),
            ("to", request.To),
            ("team", request.Team ?? OrganisationKey),
            ("by", request.By.Name()),
            ("unit", request.Unit ?? OrganisationKey),
            ("lead_time_unit", LeadTimeUnitOf(request)),
            ("tz", options.Value.TimeZone),
            ("granularity", granularity.ToString().ToLowerInvariant()),
            ("use_author_time", options.Value.UseAuthorTime),
            ("incident_window_ms", options.Value.IncidentAttributionWindowMilliseconds),
            ("organisation_only", organisationOnly));
    }

    /// <summary>
    /// The keys the ROI compares (<see cref="DoraWindowKeys"/>) for every team in each of many windows, in one query
    /// (dora/window_keys.sql): element i holds window i's teams with any deployment, shipped change or resolved incident in it.
    /// Each window's figures equal <see cref="SummariesAsync"/> over that window with the same <paramref name="leadTimeUnit"/>
    /// (<see cref="Core.Dora.LeadTimeUnit"/>; null = Analytics:Metrics:LeadTimeUnit).
    /// </summary>
    public async Task<IReadOnlyList<IReadOnlyDictionary<string, DoraWindowKeys>>> WindowKeysAsync(
        IReadOnlyList<(DateTimeOffset From, DateTimeOffset To)> windows, string? leadTimeUnit = null, CancellationToken cancellationToken = default)
    {
        var unit = LeadTimeUnitOf(leadTimeUnit);
        foreach (var (from, to) in windows)
        {
            EnsurePeriod(from, to, nameof(windows));
        }
        if (windows.Count == 0)
        {
            return [];
        }
        var rows = await store.QueryAsync<WindowKeysRow>(sqlFiles.Query("dora/window_keys"), QueryParameters.From(
            ("window_from", windows.Select(window => window.From).ToArray()),
            ("window_to", windows.Select(window => window.To).ToArray()),
            ("use_author_time", options.Value.UseAuthorTime),
            ("lead_time_unit", unit),
            ("incident_window_ms", options.Value.IncidentAttributionWindowMilliseconds)), cancellationToken);
        var byWindow = rows.ToLookup(row => (int)row.WindowIndex - 1);
        return windows.Select((_, i) => (IReadOnlyDictionary<string, DoraWindowKeys>)byWindow[i].ToDictionary(
                row => row.Team,
                row => new DoraWindowKeys(row.Deployments, row.FailedDeployments, row.ChangeFailureRate,
                    row.Changes, Seconds(row.LeadTimeMedianSeconds), row.Resolved, Seconds(row.RecoveryMedianSeconds))))
            .ToList();
    }

    /// <summary>The unit the request asks for, else the configured one; an unknown name is refused, never read as the default.</summary>
    public string LeadTimeUnitOf(DoraRequest request) => LeadTimeUnitOf(request.LeadTimeUnit);

    /// <summary>The unit <paramref name="asked"/> names, else the configured one; an unknown name is refused.</summary>
    public string LeadTimeUnitOf(string? asked)
    {
        var written = asked ?? options.Value.LeadTimeUnit;
        return Core.Dora.LeadTimeUnit.Parse(written)
            ?? throw new ArgumentException($"There is no lead-time unit '{written}'; it is {Core.Dora.LeadTimeUnit.Choices}.", nameof(asked));
    }

    /// <summary>The query file of a lead-time unit: dora/lead_time.sql per commit, dora/lead_time_per_pull_request.sql per pull request.</summary>
    public static string LeadTimeQuery(string unit) => unit == Core.Dora.LeadTimeUnit.PullRequest ? "dora/lead_time_per_pull_request" : "dora/lead_time";

    private static void EnsurePeriod(DateTimeOffset from, DateTimeOffset to, string parameterName)
    {
        if (to <= from)
        {
            throw new ArgumentException($"The period must end after it starts (from {from:O}, to {to:O}).", parameterName);
        }
    }

    private static DeploymentFrequencyFigure ToFigure(FrequencyRow? row, double months, bool wholeWeeks)
    {
        var deployments = row?.Deployments ?? 0;
        var median = row is null ? (wholeWeeks ? 0 : null) : row.MedianDeploymentDaysPerWeek;
        return new DeploymentFrequencyFigure(deployments, row?.FailedAttempts ?? 0, row?.DeploymentsPerDay ?? 0, median,
            DoraTiers.DeploymentFrequency(median, deployments / months));
    }

    private static LeadTimeFigure ToFigure(LeadTimeRow? row, int minimumSample)
    {
        var median = Seconds(row?.MedianSeconds);
        return new LeadTimeFigure(row?.Changes ?? 0, median, Seconds(row?.P75Seconds), Seconds(row?.P90Seconds), row?.Excluded ?? 0,
            row?.InferredShare ?? 0, median is { } value ? DoraTiers.LeadTime(value) : null)
        {
            LowConfidence = (row?.Changes ?? 0) < minimumSample,
        };
    }

    private static ChangeFailureFigure ToFigure(FailureRow? row, int minimumSample) =>
        new(row?.Deployments ?? 0, row?.FailedDeployments ?? 0, row?.Rate, row?.Rate is { } rate ? DoraTiers.ChangeFailureRate(rate) : null)
        {
            LowConfidence = (row?.Deployments ?? 0) < minimumSample,
        };

    private static ReworkFigure ToReworkFigure(FailureRow? row) =>
        new(row?.Deployments ?? 0, row?.ReworkDeployments ?? 0, row?.ReworkRate) { UnknownKind = row?.UnknownKind ?? 0 };

    private static RecoveryFigure ToFigure(RecoveryRow? row, RestoreRow? restore, int minimumSample)
    {
        var median = Seconds(row?.MedianSeconds);
        var restoreMedian = Seconds(restore?.MedianSeconds);
        return new RecoveryFigure(row?.Resolved ?? 0, median, row?.Open ?? 0, median is { } value ? DoraTiers.TimeToRestoreService(value) : null)
        {
            LowConfidence = (row?.Resolved ?? 0) < minimumSample,
            Restored = restore?.Restored ?? 0,
            RestoreLowConfidence = (restore?.Restored ?? 0) < minimumSample,
            RestoreMedian = restoreMedian,
            RestoreTier = restoreMedian is { } restored ? DoraTiers.FailedDeploymentRecoveryTime(restored) : null,
            AwaitingRestore = restore?.AwaitingRestore ?? 0,
        };
    }

    private static TimeSpan? Seconds(double? seconds) => seconds is { } value ? TimeSpan.FromSeconds(value) : null;

    private sealed record UnitRow(string Unit);

    private sealed record FrequencyRow(string Team, long Deployments, long FailedAttempts, double DeploymentsPerDay, double? MedianDeploymentDaysPerWeek);

    private sealed record LeadTimeRow(string Team, long Changes, long Excluded, double? MedianSeconds, double? P75Seconds, double? P90Seconds, double InferredShare);

    private sealed record FailureRow(string Team, long Deployments, long FailedDeployments, double? Rate, long ReworkDeployments, long UnknownKind, double? ReworkRate);

    private sealed record RecoveryRow(string Team, long Resolved, double? MedianSeconds, long Open);

    private sealed record RestoreRow(string Team, long Restored, double? MedianSeconds, long AwaitingRestore);

    private sealed record WindowKeysRow(uint WindowIndex, string Team, long Deployments, long FailedDeployments, double? ChangeFailureRate,
        long Changes, double? LeadTimeMedianSeconds, long Resolved, double? RecoveryMedianSeconds);

    private sealed record SeriesRow(DateOnly Bucket, string Team, long Deployments, long FailedDeployments, long Changes,
        double? LeadTimeMedianSeconds, long IncidentsResolved, double? RecoveryMedianSeconds);
}

/// <param name="Teams">One summary per row of the breakdown (<see cref="DoraRequest.By"/>): teams, services or repositories.</param>
public sealed record DoraResult(DoraRequest Request, DoraSummary Organisation, IReadOnlyList<DoraSummary> Teams);

/// <summary>
/// A team's DORA keys over one window as the ROI compares them, by the definitions of dora/change_failure_rate.sql
/// (deployments, failed deployments, rate), dora/lead_time.sql (changes, median) and dora/recovery_time.sql (resolved, median).
/// </summary>
public sealed record DoraWindowKeys(long Deployments, long FailedDeployments, double? ChangeFailureRate,
    long Changes, TimeSpan? LeadTimeMedian, long Resolved, TimeSpan? RecoveryMedian);
