using Analytics.Core.Calendar;
using Analytics.Core.Dora;
using Analytics.Storage.Catalog;
using Analytics.Storage.Metrics;
using Analytics.Web.Queries;
using Analytics.Web.Utils;

namespace Analytics.Web.Api;

/// <summary>
/// The DORA series as JSON: GET /api/dora/series?granularity=day|week|month&amp;from=&amp;to=&amp;team= (dora/series.sql), each
/// point with <c>partial</c> when its bucket is cut by the window or not over yet (docs/metrics.md, "Partial periods").
/// </summary>
public static class SeriesApi
{
    public static IEndpointRouteBuilder MapSeriesApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/dora/series", async (DateTimeOffset? from, DateTimeOffset? to, string? granularity, string? team, DoraQueries queries, CatalogLookups catalog,
            TimeProvider clock, CancellationToken cancellationToken) =>
        {
            if (!Enum.TryParse<Granularity>(granularity ?? nameof(Granularity.Month), ignoreCase: true, out var cut) || !Enum.IsDefined(cut))
            {
                return Results.Problem($"granularity= takes day, week or month, not '{granularity}'.", statusCode: StatusCodes.Status400BadRequest);
            }
            if (team is not null && !await catalog.IsKnownTeamAsync(team, cancellationToken))
            {
                return Results.Problem($"There is no team '{team}' in the catalog.", statusCode: StatusCodes.Status404NotFound);
            }
            var period = Period.Resolve(from, to, null, clock);
            if (period.To <= period.From)
            {
                return Results.Problem($"'to' ({period.To:O}) must be after 'from' ({period.From:O}).", statusCode: StatusCodes.Status400BadRequest);
            }
            var points = await queries.SeriesAsync(new DoraRequest(period.From, period.To, team), cut, cancellationToken);
            return Results.Ok(new DoraSeriesAnswer(period.From, period.To, cut.ToString().ToLowerInvariant(),
                team is null ? points : points.Where(point => point.Team == team).ToList()));
        });
        return endpoints;
    }
}

/// <summary>The answer of /api/dora/series: the window, how it is cut, and every bucket of the organisation (team "") and each team.</summary>
public sealed record DoraSeriesAnswer(DateTimeOffset From, DateTimeOffset To, string Granularity, IReadOnlyList<DoraSeriesPoint> Points);
