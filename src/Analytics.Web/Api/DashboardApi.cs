using Analytics.Storage.Metrics;
using Analytics.Web.Dashboards;
using Analytics.Web.Queries;
using Analytics.Web.Utils;

namespace Analytics.Web.Api;

/// <summary>Dashboards as data over HTTP: the definitions, and each panel exported (PNG/SVG charts, CSV tables).</summary>
public static class DashboardApi
{
    public static IEndpointRouteBuilder MapDashboardApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/dashboards", (DashboardCatalog catalog) => Results.Ok(catalog.Names()));
        endpoints.MapGet("/api/dashboards/{name}/panels/{file}", ExportAsync);
        return endpoints;
    }

    /// <param name="leadTimeUnit">commit or pull-request (?leadTimeUnit=, as the page's toggle); else the configured one. The file names the unit used.</param>
    private static async Task<IResult> ExportAsync(string name, string file, string? days, string? team, string? tiers, string? leadTimeUnit, DashboardCatalog catalog, DashboardQueries queries,
        Storage.Catalog.CatalogLookups teams, DoraTierChoice tierChoice, TimeProvider clock, CancellationToken cancellationToken)
    {
        DashboardDefinition? definition;
        try
        {
            definition = catalog.Load(name);
        }
        catch (DashboardDefinitionException error)
        {
            return Results.Problem(error.Message, statusCode: StatusCodes.Status500InternalServerError);
        }
        var panelId = Path.GetFileNameWithoutExtension(file);
        var extension = Path.GetExtension(file).TrimStart('.').ToLowerInvariant();
        var panel = definition?.Panels.SingleOrDefault(p => p.Id == panelId);
        if (definition is null || panel is null)
        {
            return Results.Problem($"There is no panel '{panelId}' in dashboard '{name}'.", statusCode: StatusCodes.Status404NotFound);
        }
        if (definition.NeedsTeam && team is null)
        {
            return Results.Problem($"Dashboard '{name}' shows one team: add ?team=.", statusCode: StatusCodes.Status400BadRequest);
        }
        if (team is not null && !await teams.IsKnownTeamAsync(team, cancellationToken))
        {
            return Results.Problem($"There is no team '{team}' in the catalog.", statusCode: StatusCodes.Status404NotFound);
        }
        var period = Period.Resolve(null, null, Period.DaysFromQuery(days, definition.DefaultDays), clock);
        if (AnalyticsApi.Invalid(period, tiers, leadTimeUnit) is { } invalid)
        {
            return invalid;
        }
        var request = new DoraRequest(period.From, period.To, team) { LeadTimeUnit = Core.Dora.LeadTimeUnit.Parse(leadTimeUnit) };
        // No export writes the key cards' trends.
        var data = await queries.LoadAsync(definition with { Panels = [panel] }, request, cancellationToken, tiers: tierChoice.For(tiers), keyTrends: false);
        return PanelExports.Export(data, panel, extension) is { } export
            ? Results.File(export.Content, export.ContentType, $"{name}-{panelId}-{period.From:yyyyMMdd}-{period.To:yyyyMMdd}.{extension}")
            : Results.Problem($"A {panel.Kind} panel cannot be exported as {extension}.", statusCode: StatusCodes.Status404NotFound);
    }
}
