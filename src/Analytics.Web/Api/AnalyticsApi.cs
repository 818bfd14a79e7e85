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
        // ?by=team|service|repository (default team); ?team= that team's figures split by its services or repositories;
        // ?format=csv the rows as CSV; ?leadTimeUnit= as on /api/dora (docs/dashboards.md, "API").
        api.MapGet("/dora/breakdown", BreakdownAsync);
        // ?team= one team's (else every one, the organisation's included); ?from=&to= (days, both included) those touching them.
        api.MapGet("/annotations", AnnotationsAsync);
        return endpoints;
    }

    private static async Task<IResult> AnnotationsAsync(string? team, DateOnly? from, DateOnly? to, CatalogNotes notes, CatalogLookups catalog, CancellationToken cancellationToken)
    {
        if (team is not null && !await catalog.IsKnownTeamAsync(team, cancellationToken))
        {
            return Results.Problem($"There is no team '{team}' in the catalog.", statusCode: StatusCodes.Status404NotFound);
        }
        if (from > to)
        {
            return Results.Problem($"'to' ({to:yyyy-MM-dd}) must not be before 'from' ({from:yyyy-MM-dd}).", statusCode: StatusCodes.Status400BadRequest);
        }
        var annotations = (await notes.AllAsync(team, cancellationToken)).Where(a => a.Overlaps(from ?? DateOnly.MinValue, to ?? DateOnly.MaxValue));
        return Results.Ok(annotations.Select(a => new AnnotationAnswer(a.Id, a.Team, a.From, a.To, AnnotationKinds.Key(a.Kind), a.Text)).ToList());
    }

    private static async Task<IResult> BreakdownAsync(string? by, string? team, string? format, DateTimeOffset? from, DateTimeOffset? to, string? tiers, string[]? severity,
        string? leadTimeUnit, string? offset, string? limit, DoraQueries queries, DoraTierChoice tierChoice, CatalogLookups catalog, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (DoraBreakdowns.Parse(by) is not { } breakdown)
        {
            return Results.Problem($"by= takes {string.Join(", ", DoraBreakdowns.Names)}, not '{by}'.", statusCode: StatusCodes.Status400BadRequest);
        }
        // Optional paging of the JSON rows (at L, 2,000 services are 2.1 MB); without either, every row as before.
        var (skip, offsetError) = RowsApi.Count("offset", offset, 0, 0, int.MaxValue);
        var (take, limitError) = RowsApi.Count("limit", limit, int.MaxValue, 1, RowsApi.MaxLimit);
        if ((offsetError ?? limitError) is { } countError)
        {
            return Results.Problem(countError, statusCode: StatusCodes.Status400BadRequest);
        }
        if (format is not (null or "json" or "csv"))
        {
            return Results.Problem($"format= takes json or csv, not '{format}'.", statusCode: StatusCodes.Status400BadRequest);
        }
        var period = Period.Resolve(from, to, null, clock);
        if (Invalid(period, tiers, leadTimeUnit) is { } invalid)
        {
            return invalid;
        }
        if (team is not null && !await catalog.IsKnownTeamAsync(team, cancellationToken))
        {
            return Results.Problem($"There is no team '{team}' in the catalog.", statusCode: StatusCodes.Status404NotFound);
        }
        var request = new DoraRequest(period.From, period.To, team) { By = breakdown, Severities = Severities.Parse(severity), LeadTimeUnit = LeadTimeUnit.Parse(leadTimeUnit) };
        var result = (await queries.SummariesAsync(request, cancellationToken)).WithTiers(tierChoice.For(tiers));
        if (format == "csv")
        {
            var csv = new StringWriter();
            DoraCsv.Write(result.Teams.Prepend(result.Organisation).ToList(), csv, breakdown);
            return Results.File(System.Text.Encoding.UTF8.GetBytes(csv.ToString()), "text/csv", $"dora-by-{breakdown.Name()}-{period.From:yyyyMMdd}-{period.To:yyyyMMdd}.csv");
        }
        return Results.Ok(new DoraBreakdownAnswer(breakdown.Name(), team, period.From, period.To, result.Organisation,
            result.Teams.Skip(skip).Take(take).Select(row => new DoraBreakdownRow(row.Team, row)).ToList())
        {
            Offset = skip,
            RowCount = result.Teams.Count,
        });
    }

    /// <summary>A 400 naming the years there are when ?tiers= names none; null when it is absent or known.</summary>
    internal static IResult? UnknownTiers(string? tiers) => tiers is null || DoraTierTables.Parse(tiers) is not null
        ? null
        : Results.Problem($"There is no DORA tier table for '{tiers}'; tiers= takes {string.Join(", ", DoraTierTables.Years)}.", statusCode: StatusCodes.Status400BadRequest);

    /// <summary>A 400 for an unknown tier year or lead-time unit or a period that ends before it starts; null when all are fine.</summary>
    internal static IResult? Invalid(Period period, string? tiers, string? leadTimeUnit) =>
        UnknownTiers(tiers)
        ?? (leadTimeUnit is not null && LeadTimeUnit.Parse(leadTimeUnit) is null
            ? Results.Problem($"There is no lead-time unit '{leadTimeUnit}'; leadTimeUnit= takes {LeadTimeUnit.Choices}.", statusCode: StatusCodes.Status400BadRequest)
            : null)
        ?? (period.To <= period.From
            ? Results.Problem($"'to' ({period.To:O}) must be after 'from' ({period.From:O}).", statusCode: StatusCodes.Status400BadRequest)
            : null);

    private static async Task<IResult> RunAsync(DoraQueries queries, Period period, string? team, string? tiers, IReadOnlyList<string> severities, string? leadTimeUnit,
        DoraTierChoice tierChoice, CancellationToken cancellationToken)
    {
        if (Invalid(period, tiers, leadTimeUnit) is { } invalid)
        {
            return invalid;
        }
        var request = new DoraRequest(period.From, period.To, team) { Severities = severities, LeadTimeUnit = LeadTimeUnit.Parse(leadTimeUnit) };
        var result = (await queries.SummariesAsync(request, cancellationToken)).WithTiers(tierChoice.For(tiers));
        return team is null ? Results.Ok(result) : Results.Ok(result.Teams.SingleOrDefault() ?? result.Organisation with { Team = team });
    }
}

/// <summary>
/// /api/dora/breakdown's answer: <see cref="Total"/> is the organisation's figures (with ?team=, that team's), and each row
/// one team, service or repository (<see cref="By"/>) named by <see cref="DoraBreakdownRow.Unit"/>; every row, or the page
/// ?offset= and ?limit= ask for.
/// </summary>
public sealed record DoraBreakdownAnswer(string By, string? Team, DateTimeOffset From, DateTimeOffset To, DoraSummary Total, IReadOnlyList<DoraBreakdownRow> Rows)
{
    /// <summary>The first row's position among all (?offset=, default 0); <see cref="Rows"/> holds at most ?limit= of them.</summary>
    public int Offset { get; init; }

    /// <summary>How many rows there are in all, whatever ?offset= and ?limit= chose.</summary>
    public int RowCount { get; init; }
}

/// <summary>An annotation in /api/annotations: <see cref="Team"/> null = the whole organisation; <see cref="To"/> its last day, included.</summary>
public sealed record AnnotationAnswer(int Id, string? Team, DateOnly From, DateOnly To, string Kind, string Text);

/// <param name="Figures">The unit's figures; their <c>team</c> field repeats the unit's name.</param>
public sealed record DoraBreakdownRow(string Unit, DoraSummary Figures);
