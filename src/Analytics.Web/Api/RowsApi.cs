using System.Globalization;
using System.Security.Claims;
using Analytics.Core.Dora;
using Analytics.Storage.Catalog;
using Analytics.Storage.Metrics;
using Analytics.Web.Queries;
using Analytics.Web.Security;
using Analytics.Web.Utils;

namespace Analytics.Web.Api;

/// <summary>
/// The rows behind each DORA figure as JSON, paged on the server: GET /api/dora/rows?kind=deployments|changes|failures|incidents
/// &amp;from=&amp;to=&amp;team=&amp;service=|repository=&amp;leadTimeUnit=&amp;severity=&amp;offset=&amp;limit= (docs/dashboards.md, "Rows API").
/// The same SQL files as the team page's drill-down grids (<see cref="DoraDrillDown"/>), so <see cref="DoraRowsAnswer.Total"/>
/// is the figure's n for the same request. Rows are team-lead data: the team page's rule (<see cref="AnalyticsRoles.CanSeeRows"/>)
/// decides, for ?team= or, without it, for the whole organisation.
/// </summary>
public static class RowsApi
{
    public const int DefaultLimit = 100;

    /// <summary>The largest page one request may ask for.</summary>
    public const int MaxLimit = 1000;

    public static readonly IReadOnlyList<string> Kinds = ["deployments", "changes", "failures", "incidents"];

    public static IEndpointRouteBuilder MapRowsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/dora/rows", RowsAsync).RequireAuthorization(AnalyticsPolicies.Rows);
        return endpoints;
    }

    private static async Task<IResult> RowsAsync(string? kind, DateTimeOffset? from, DateTimeOffset? to, string? team, string? service, string? repository, string? leadTimeUnit,
        string[]? severity, string? offset, string? limit, ClaimsPrincipal user, DoraDrillDown drillDown, DoraQueries queries, CatalogLookups catalog, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (kind is null || !Kinds.Contains(kind))
        {
            return BadRequest($"kind= takes {string.Join(", ", Kinds)}, not '{kind}'.");
        }
        if (service is not null && repository is not null)
        {
            return BadRequest("Give service= or repository=, not both.");
        }
        var (skip, offsetError) = Count("offset", offset, 0, 0, int.MaxValue);
        var (take, limitError) = Count("limit", limit, DefaultLimit, 1, MaxLimit);
        if ((offsetError ?? limitError) is { } countError)
        {
            return BadRequest(countError);
        }
        var period = Period.Resolve(from, to, null, clock);
        if (AnalyticsApi.Invalid(period, null, leadTimeUnit) is { } invalid)
        {
            return invalid;
        }
        if (!AnalyticsRoles.CanSeeRows(user, team))
        {
            // The team page's rule: a team lead named for some teams sees only their rows, and the organisation's only when named for none.
            return Results.Problem(team is null
                ? "The rows of every team are shown to admins and to team leads named for no team in particular; add ?team= for one of your teams."
                : $"The rows of team '{team}' are shown to its team lead and to admins.", statusCode: StatusCodes.Status403Forbidden);
        }
        if (team is not null && !await catalog.IsKnownTeamAsync(team, cancellationToken))
        {
            return Results.Problem($"There is no team '{team}' in the catalog.", statusCode: StatusCodes.Status404NotFound);
        }
        var (by, unit) = service is not null ? (DoraBreakdown.Service, service) : repository is not null ? (DoraBreakdown.Repository, repository) : (DoraBreakdown.Team, (string?)null);
        if (unit is not null && !await catalog.IsKnownUnitAsync(by, unit, cancellationToken))
        {
            // A misspelt service must not look like a service with no rows.
            return Results.Problem($"There is no {by.Name()} '{unit}' in the catalog.", statusCode: StatusCodes.Status404NotFound);
        }
        var request = new DoraRequest(period.From, period.To, team) { By = by, Unit = unit, LeadTimeUnit = LeadTimeUnit.Parse(leadTimeUnit), Severities = Severities.Parse(severity) };
        var usedUnit = queries.LeadTimeUnitOf(request);
        var (rows, total) = kind switch
        {
            "deployments" => Untyped(await drillDown.DeploymentPageAsync(request, skip, take, cancellationToken: cancellationToken)),
            "failures" => Untyped(await drillDown.DeploymentPageAsync(request, skip, take, failedOnly: true, cancellationToken)),
            "incidents" => Untyped(await drillDown.IncidentPageAsync(request, skip, take, cancellationToken)),
            _ when usedUnit == LeadTimeUnit.PullRequest => Untyped(await drillDown.PullRequestChangePageAsync(request, skip, take, cancellationToken)),
            _ => Untyped(await drillDown.ChangePageAsync(request, skip, take, cancellationToken)),
        };
        return Results.Ok(new DoraRowsAnswer(kind, period.From, period.To, team, unit is null ? null : by.Name(), unit, skip, take, total, rows)
        {
            LeadTimeUnit = kind == "changes" ? usedUnit : null,
        });
    }

    private static (IReadOnlyList<object> Rows, long Total) Untyped<TRow>(DrillDownPage<TRow> page) where TRow : notnull =>
        ([.. page.Rows.Cast<object>()], page.Total);

    private static IResult BadRequest(string message) => Results.Problem(message, statusCode: StatusCodes.Status400BadRequest);

    /// <summary>A whole number in [min, max] from the query string (absent: <paramref name="absent"/>), or why not.</summary>
    /// <summary>?offset= or ?limit= as a whole number in [min, max], <paramref name="absent"/> when not given; else the 400's message.</summary>
    internal static (int Value, string? Error) Count(string name, string? written, int absent, int min, int max) =>
        written is null ? (absent, null)
        : int.TryParse(written, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max ? (value, null)
        : (0, $"{name}= takes a whole number from {min} to {max}, not '{written}'.");
}

/// <summary>
/// /api/dora/rows' answer: <see cref="Rows"/> from <see cref="Offset"/> (at most <see cref="Limit"/>) of <see cref="Total"/> in all.
/// <see cref="By"/> and <see cref="Unit"/>: the service or repository asked for (null: the team's, or every team's, rows).
/// </summary>
public sealed record DoraRowsAnswer(string Kind, DateTimeOffset From, DateTimeOffset To, string? Team, string? By, string? Unit, int Offset, int Limit, long Total,
    IReadOnlyList<object> Rows)
{
    /// <summary>For kind changes: what a row is, a commit or a pull request (<see cref="Core.Dora.LeadTimeUnit"/>).</summary>
    public string? LeadTimeUnit { get; init; }
}
