using Analytics.Storage.Metrics;
using Analytics.Web.Components;

namespace Analytics.Web.Api;

/// <summary>The JSON API: the same figures as the dashboard, for portals such as Backstage or Port.</summary>
public static class AnalyticsApi
{
    public static IEndpointRouteBuilder MapAnalyticsApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api");
        api.MapGet("/dora", (DateTimeOffset? from, DateTimeOffset? to, DoraQueries queries, TimeProvider clock, CancellationToken cancellationToken) =>
            RunAsync(queries, Period.Resolve(from, to, null, clock), null, cancellationToken));
        api.MapGet("/teams/{team}/dora", (string team, DateTimeOffset? from, DateTimeOffset? to, DoraQueries queries, TimeProvider clock, CancellationToken cancellationToken) =>
            RunAsync(queries, Period.Resolve(from, to, null, clock), team, cancellationToken));
        return endpoints;
    }

    private static async Task<IResult> RunAsync(DoraQueries queries, Period period, string? team, CancellationToken cancellationToken)
    {
        if (period.To <= period.From)
        {
            return Results.Problem($"'to' ({period.To:O}) must be after 'from' ({period.From:O}).", statusCode: StatusCodes.Status400BadRequest);
        }
        var result = await queries.SummariesAsync(new DoraRequest(period.From, period.To, team), cancellationToken);
        return team is null ? Results.Ok(result) : Results.Ok(result.Teams.SingleOrDefault() ?? result.Organisation with { Team = team });
    }
}
