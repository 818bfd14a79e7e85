using Analytics.Core.Calendar;
using Analytics.Core.Dora;
using Analytics.Storage.Catalog;
using Analytics.Storage.Metrics;
using Analytics.Web.Queries;
using Analytics.Web.Utils;

namespace Analytics.Web.Api;

/// <summary>
/// The DORA series as JSON: GET /api/dora/series?granularity=day|week|month&amp;from=&amp;to=&amp;team=&amp;by=&amp;unit=&amp;leadTimeUnit=
/// (dora/series.sql), each point with <c>partial</c> when its bucket is cut by the window or not over yet (docs/metrics.md,
/// "Partial periods"), its <c>daysInPeriod</c> of <c>days</c>, and <c>drawn</c>: whether the dashboard's charts draw it
/// (docs/dashboards.md, "Partial buckets on charts"). ?by=team|service|repository: what a point's row is; ?unit= only that team, service or repository;
/// ?leadTimeUnit=commit|pull-request as on /api/dora.
/// </summary>
public static class SeriesApi
{
    public static IEndpointRouteBuilder MapSeriesApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/dora/series", async (DateTimeOffset? from, DateTimeOffset? to, string? granularity, string? team, string? by, string? unit, string? leadTimeUnit,
            DoraQueries queries, CatalogLookups catalog, TimeProvider clock, CancellationToken cancellationToken) =>
        {
            if (!Enum.TryParse<Granularity>(granularity ?? nameof(Granularity.Month), ignoreCase: true, out var cut) || !Enum.IsDefined(cut))
            {
                return Results.Problem($"granularity= takes day, week or month, not '{granularity}'.", statusCode: StatusCodes.Status400BadRequest);
            }
            if (DoraBreakdowns.Parse(by) is not { } breakdown)
            {
                return Results.Problem($"by= takes {string.Join(", ", DoraBreakdowns.Names)}, not '{by}'.", statusCode: StatusCodes.Status400BadRequest);
            }
            if (leadTimeUnit is not null && LeadTimeUnit.Parse(leadTimeUnit) is null)
            {
                return Results.Problem($"There is no lead-time unit '{leadTimeUnit}'; leadTimeUnit= takes {LeadTimeUnit.Choices}.", statusCode: StatusCodes.Status400BadRequest);
            }
            if (team is not null && !await catalog.IsKnownTeamAsync(team, cancellationToken))
            {
                return Results.Problem($"There is no team '{team}' in the catalog.", statusCode: StatusCodes.Status404NotFound);
            }
            if (unit is not null && !await catalog.IsKnownUnitAsync(breakdown, unit, cancellationToken))
            {
                // A misspelt service must not look like a service with no deployments.
                return Results.Problem($"There is no {breakdown.Name()} '{unit}' in the catalog.", statusCode: StatusCodes.Status404NotFound);
            }
            var period = Period.Resolve(from, to, null, clock);
            if (period.To <= period.From)
            {
                return Results.Problem($"'to' ({period.To:O}) must be after 'from' ({period.From:O}).", statusCode: StatusCodes.Status400BadRequest);
            }
            var request = new DoraRequest(period.From, period.To, team) { By = breakdown, Unit = unit, LeadTimeUnit = LeadTimeUnit.Parse(leadTimeUnit) };
            var points = await queries.SeriesAsync(request, cut, cancellationToken);
            // With ?team= and the rows by team, the organisation's rollup repeats that team: only its own points are answered.
            var shown = team is not null && breakdown == DoraBreakdown.Team ? points.Where(point => point.Team == team).ToList() : points;
            return Results.Ok(new DoraSeriesAnswer(period.From, period.To, cut.ToString().ToLowerInvariant(), shown)
            {
                By = breakdown.Name(),
                LeadTimeUnit = queries.LeadTimeUnitOf(request),
            });
        });
        return endpoints;
    }
}

/// <summary>
/// The answer of /api/dora/series: the window, how it is cut, and every bucket of the organisation (team "", or with ?team=
/// or ?unit= their total) and of each row (<see cref="By"/>: its name in each point's <c>team</c>).
/// </summary>
public sealed record DoraSeriesAnswer(DateTimeOffset From, DateTimeOffset To, string Granularity, IReadOnlyList<DoraSeriesPoint> Points)
{
    /// <summary>What a point's row is: team, service or repository.</summary>
    public string By { get; init; } = DoraBreakdown.Team.Name();

    /// <summary>What a lead-time sample of the points is: commit or pull-request.</summary>
    public string LeadTimeUnit { get; init; } = Core.Dora.LeadTimeUnit.Commit;
}
