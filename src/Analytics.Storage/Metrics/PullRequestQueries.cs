using Analytics.Core.Dora;
using Analytics.Storage.ClickHouse;
using Microsoft.Extensions.Options;

namespace Analytics.Storage.Metrics;

/// <summary>PR cycle time and its phases per team (sql/clickhouse/queries/pr/cycle_time.sql).</summary>
public sealed class PullRequestQueries(IClickHouseStore store, SqlFiles sqlFiles, IOptions<MetricOptions> options)
{
    /// <summary>Every team with merged pull requests, and the organisation under the key "".</summary>
    public async Task<IReadOnlyDictionary<string, PullRequestCycleTime>> CycleTimeAsync(DoraRequest request, CancellationToken cancellationToken = default) =>
        (await QueryCycleTimeAsync(request, weekly: false, cancellationToken)).ToDictionary(row => row.Team, Figures);

    /// <summary>
    /// PR cycle time by week in one query (pr/cycle_time.sql with weekly = 1): for each Monday (UTC) of [From, To), the
    /// figures of the pull requests merged that week, as <see cref="CycleTimeAsync"/> over that week alone would give.
    /// Give a window of whole weeks (Monday 00:00 UTC to Monday 00:00 UTC); a week without a merge has no entry.
    /// </summary>
    public async Task<IReadOnlyDictionary<DateOnly, IReadOnlyDictionary<string, PullRequestCycleTime>>> WeeklyCycleTimeAsync(DoraRequest request, CancellationToken cancellationToken = default) =>
        (await QueryCycleTimeAsync(request, weekly: true, cancellationToken))
            .GroupBy(row => row.Week)
            .ToDictionary(week => week.Key, week => (IReadOnlyDictionary<string, PullRequestCycleTime>)week.ToDictionary(row => row.Team, Figures));

    private Task<IReadOnlyList<CycleTimeRow>> QueryCycleTimeAsync(DoraRequest request, bool weekly, CancellationToken cancellationToken) =>
        store.QueryAsync<CycleTimeRow>(sqlFiles.Query("pr/cycle_time"), QueryParameters.From(
            ("from", request.From),
            ("to", request.To),
            ("team", request.Team ?? DoraQueries.OrganisationKey),
            ("bots", options.Value.BotLogins.ToArray()),
            ("weekly", weekly ? (byte)1 : (byte)0)), cancellationToken);

    private static PullRequestCycleTime Figures(CycleTimeRow row) => new(row.Team, row.PullRequests,
        Phase(row.CodingN, row.CodingMedianSeconds, row.CodingNegative),
        Phase(row.PickupN, row.PickupMedianSeconds, row.PickupNegative),
        Phase(row.ReviewN, row.ReviewMedianSeconds, row.ReviewNegative),
        Phase(row.DeployN, row.DeployMedianSeconds, row.DeployNegative));

    private static PhaseFigure Phase(long measured, double? medianSeconds, long negative) =>
        new(measured, medianSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null, negative);

    private sealed record CycleTimeRow(
        DateOnly Week, string Team, long PullRequests,
        long CodingN, double? CodingMedianSeconds, long CodingNegative,
        long PickupN, double? PickupMedianSeconds, long PickupNegative,
        long ReviewN, double? ReviewMedianSeconds, long ReviewNegative,
        long DeployN, double? DeployMedianSeconds, long DeployNegative);
}
