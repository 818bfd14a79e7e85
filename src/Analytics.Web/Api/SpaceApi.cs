using Analytics.Storage.Catalog;
using Analytics.Storage.Metrics;
using Analytics.Web.Queries;
using Analytics.Web.Security;
using Analytics.Web.Utils;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Analytics.Web.Api;

/// <summary>
/// The JSON API of the SPACE, platform-adoption and ROI figures (docs/metrics.md), for portals. Every endpoint takes
/// from/to (ISO 8601; default the last 90 days, ROI the last 365) and an optional team; an unknown team is a 404.
/// Survey scores come out of <see cref="SurveyQueries"/> already suppressed: null with the reason, never the value.
/// </summary>
public static class SpaceApi
{
    public static IEndpointRouteBuilder MapSpaceApi(this IEndpointRouteBuilder endpoints)
    {
        var space = endpoints.MapGroup("/api/space");
        space.MapGet("/satisfaction", (DateTimeOffset? from, DateTimeOffset? to, string? team, SurveyQueries queries, CatalogLookups catalog, TimeProvider clock, CancellationToken cancellationToken) =>
            RunAsync(from, to, team, catalog, clock, cancellationToken, async request => await queries.SatisfactionAsync(request, cancellationToken)))
            .RequireAuthorization(AnalyticsPolicies.Surveys);
        space.MapGet("/activity", (DateTimeOffset? from, DateTimeOffset? to, string? team, SpaceQueries queries, CatalogLookups catalog, TimeProvider clock, CancellationToken cancellationToken) =>
            RunAsync(from, to, team, catalog, clock, cancellationToken, async request => await queries.ActivityAsync(request, cancellationToken)));
        space.MapGet("/collaboration", (DateTimeOffset? from, DateTimeOffset? to, string? team, SpaceQueries queries, CatalogLookups catalog, TimeProvider clock, CancellationToken cancellationToken) =>
            RunAsync(from, to, team, catalog, clock, cancellationToken, async request => await queries.CollaborationAsync(request, cancellationToken)));
        space.MapGet("/flow", (DateTimeOffset? from, DateTimeOffset? to, string? team, SpaceQueries queries, CatalogLookups catalog, TimeProvider clock, CancellationToken cancellationToken) =>
            RunAsync(from, to, team, catalog, clock, cancellationToken, async request => await queries.FlowAsync(request, cancellationToken)));

        var adoption = endpoints.MapGroup("/api/adoption");
        adoption.MapGet("/golden-path", (DateTimeOffset? from, DateTimeOffset? to, string? team, AdoptionQueries queries, CatalogLookups catalog, TimeProvider clock, CancellationToken cancellationToken) =>
            RunAsync(from, to, team, catalog, clock, cancellationToken, async request => await queries.GoldenPathAsync(request, cancellationToken)));
        adoption.MapGet("/templates", (DateTimeOffset? from, DateTimeOffset? to, string? team, AdoptionQueries queries, CatalogLookups catalog, TimeProvider clock, CancellationToken cancellationToken) =>
            RunAsync(from, to, team, catalog, clock, cancellationToken, async request => await queries.TemplateCurrencyAsync(request, cancellationToken)));
        adoption.MapGet("/self-service", (DateTimeOffset? from, DateTimeOffset? to, string? team, [FromQuery] string[]? kinds, AdoptionQueries queries, CatalogLookups catalog, TimeProvider clock, CancellationToken cancellationToken) =>
            RunAsync(from, to, team, catalog, clock, cancellationToken, async request => await queries.SelfServiceAsync(request, RequestKinds.Parse(kinds), cancellationToken)));
        adoption.MapGet("/first-deploy", (DateTimeOffset? from, DateTimeOffset? to, string? team, AdoptionQueries queries, CatalogLookups catalog, TimeProvider clock, CancellationToken cancellationToken) =>
            RunAsync(from, to, team, catalog, clock, cancellationToken, async request => await queries.FirstDeployAsync(request, cancellationToken)));

        // ?leadTimeUnit=commit|pull-request: what a lead-time sample of the before/after windows is; else Analytics:Metrics:LeadTimeUnit.
        endpoints.MapGet("/api/roi", async (DateTimeOffset? from, DateTimeOffset? to, int? months, double? hourlyCost, [FromQuery] string[]? kinds, string? leadTimeUnit,
            RoiQueries queries, TimeProvider clock, CancellationToken cancellationToken) =>
        {
            var period = Period.Resolve(from, to, Period.RoiDefaultDays, clock);
            return await GuardAsync(async () => await queries.RoiAsync(
                new RoiRequest(period.From, period.To, months, hourlyCost, kinds is null ? null : RequestKinds.Parse(kinds)) { LeadTimeUnit = leadTimeUnit }, cancellationToken));
        });
        return endpoints;
    }

    private static async Task<IResult> RunAsync<T>(
        DateTimeOffset? from, DateTimeOffset? to, string? team, CatalogLookups catalog, TimeProvider clock, CancellationToken cancellationToken, Func<SpaceRequest, Task<T>> query)
    {
        if (team is not null && !await catalog.IsKnownTeamAsync(team, cancellationToken))
        {
            // A misspelt team must not look like a team with nothing to show.
            return Results.Problem($"There is no team '{team}' in the catalog.", statusCode: StatusCodes.Status404NotFound);
        }
        var period = Period.Resolve(from, to, null, clock);
        return await GuardAsync(() => query(new SpaceRequest(period.From, period.To, team)));
    }

    private static async Task<IResult> GuardAsync<T>(Func<Task<T>> query)
    {
        try
        {
            return Results.Ok(await query());
        }
        catch (ArgumentException error)
        {
            return Results.Problem(error.Message, statusCode: StatusCodes.Status400BadRequest);
        }
        catch (OptionsValidationException error)
        {
            return Results.Problem(error.Message, statusCode: StatusCodes.Status500InternalServerError);
        }
    }
}
