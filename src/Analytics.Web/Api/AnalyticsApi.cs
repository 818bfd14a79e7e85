using Analytics.Storage.Catalog;
using Analytics.Storage.Metrics;
using Analytics.Core.Dora;
using Analytics.Web.Queries;
using Analytics.Web.Utils;

namespace Analytics.Web.Api;

/// <summary>The JSON API: the same figures as the dashboard, for portals such as Backstage or Port.</summary>
public static class AnalyticsApi
{
    public static IEndpointRouteBuilder MapAnalyticsApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api");
        // ?severity=sev1&severity=sev2 or ?severity=sev1,sev2: time to restore service over those incidents only.
        // ?leadTimeUnit=commit|pull-request: what a lead-time sample is; else Analytics:Metrics:LeadTimeUnit.
        api.MapGet("/dora", (DateTimeOffset? from, DateTimeOffset? to, string? tiers, string[]? severity, string? leadTimeUnit, DoraQueries queries, DoraTierChoice tierChoice, TimeProvider clock, CancellationToken cancellationToken) =>
            RunAsync(queries, Period.Resolve(from, to, null, clock), null, tiers, Severities.Parse(severity), leadTimeUnit, tierChoice, cancellationToken));
        api.MapGet("/teams/{team}/dora", async (string team, DateTimeOffset? from, DateTimeOffset? to, string? tiers, string[]? severity, string? leadTimeUnit, DoraQueries queries, DoraTierChoice tierChoice, CatalogLookups catalog,
            TimeProvider clock, CancellationToken cancellationToken) =>
            await catalog.IsKnownTeamAsync(team, cancellationToken)
                ? await RunAsync(queries, Period.Resolve(from, to, null, clock), team, tiers, Severities.Parse(severity), leadTimeUnit, tierChoice, cancellationToken)
                // A misspelt team must not look like a team with no deployments.
                : Results.Problem($"There is no team '{team}' in the catalog.", statusCode: StatusCodes.Status404NotFound));
        return endpoints;
    }

    /// <summary>A 400 naming the years there are when ?tiers= names none; null when it is absent or known.</summary>
    internal static IResult? UnknownTiers(string? tiers) => tiers is null || DoraTierTables.Parse(tiers) is not null
        ? null
        : Results.Problem($"There is no DORA tier table for '{tiers}'; tiers= takes {string.Join(", ", DoraTierTables.Years)}.", statusCode: StatusCodes.Status400BadRequest);

    private static async Task<IResult> RunAsync(DoraQueries queries, Period period, string? team, string? tiers, IReadOnlyList<string> severities, string? leadTimeUnit,
        DoraTierChoice tierChoice, CancellationToken cancellationToken)
    {
        if (UnknownTiers(tiers) is { } unknown)
        {
            return unknown;
        }
        if (leadTimeUnit is not null && LeadTimeUnit.Parse(leadTimeUnit) is null)
        {
            return Results.Problem($"There is no lead-time unit '{leadTimeUnit}'; leadTimeUnit= takes {LeadTimeUnit.Choices}.", statusCode: StatusCodes.Status400BadRequest);
        }
        if (period.To <= period.From)
        {
            return Results.Problem($"'to' ({period.To:O}) must be after 'from' ({period.From:O}).", statusCode: StatusCodes.Status400BadRequest);
        }
        var request = new DoraRequest(period.From, period.To, team) { Severities = severities, LeadTimeUnit = LeadTimeUnit.Parse(leadTimeUnit) };
        var result = (await queries.SummariesAsync(request, cancellationToken)).WithTiers(tierChoice.For(tiers));
        return team is null ? Results.Ok(result) : Results.Ok(result.Teams.SingleOrDefault() ?? result.Organisation with { Team = team });
    }
}
