using Analytics.Core.Dora;
using Analytics.Storage.ClickHouse;
using Microsoft.Extensions.Options;

namespace Analytics.Storage.Metrics;

/// <summary>PR cycle time and its phases per team (sql/clickhouse/queries/pr/cycle_time.sql).</summary>
public sealed class PullRequestQueries(IClickHouseStore store, SqlFiles sqlFiles, IOptions<MetricOptions> options)
{
    /// <summary>Every team with merged pull requests, and the organisation under the key "".</summary>
    public async Task<IReadOnlyDictionary<string, PullRequestCycleTime>> CycleTimeAsync(DoraRequest request, CancellationToken cancellationToken = default)
    {
        var rows = await store.QueryAsync<CycleTimeRow>(sqlFiles.Query("pr/cycle_time"), QueryParameters.From(
            ("from", request.From),
            ("to", request.To),
            ("team", request.Team ?? DoraQueries.OrganisationKey),
            ("bots", options.Value.BotLogins.ToArray())), cancellationToken);
        return rows.ToDictionary(row => row.Team, row => new PullRequestCycleTime(row.Team, row.PullRequests,
            Phase(row.CodingN, row.CodingMedianSeconds, row.CodingNegative),
            Phase(row.PickupN, row.PickupMedianSeconds, row.PickupNegative),
            Phase(row.ReviewN, row.ReviewMedianSeconds, row.ReviewNegative),
            Phase(row.DeployN, row.DeployMedianSeconds, row.DeployNegative)));
    }

    private static PhaseFigure Phase(long measured, double? medianSeconds, long negative) =>
        new(measured, medianSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null, negative);

    private sealed record CycleTimeRow(
        string Team, long PullRequests,
        long CodingN, double? CodingMedianSeconds, long CodingNegative,
        long PickupN, double? PickupMedianSeconds, long PickupNegative,
        long ReviewN, double? ReviewMedianSeconds, long ReviewNegative,
        long DeployN, double? DeployMedianSeconds, long DeployNegative);
}
