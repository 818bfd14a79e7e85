using Analytics.Core.Dora;
using Analytics.Storage.Metrics;

namespace Analytics.Web.Queries;

/// <summary>
/// The first page of each drill-down grid (deployments, changes, incidents; on the team page its issues) and how many rows each has in all, for the
/// request the figures were computed for. A page carries only these (persisted into it, docs/dashboards.md, "Rows API");
/// the grids read further pages from the server (<see cref="DoraDrillDown"/>) through <see cref="Request"/>, the same
/// SQL files /api/dora/rows answers from. Under lead time per pull request the changes are the pull requests behind the
/// figure (<see cref="PullRequestChanges"/>), else the commits (<see cref="Changes"/>).
/// </summary>
public sealed record DrillDownPages(
    DoraRequest Request,
    string LeadTimeUnit,
    DrillDownPage<DeploymentRow> Deployments,
    DrillDownPage<ChangeRow>? Changes,
    DrillDownPage<PullRequestChangeRow>? PullRequestChanges,
    DrillDownPage<IncidentRow> Incidents)
{
    /// <summary>The rows a grid shows at once, and so the rows each page carries.</summary>
    public const int PageSize = 25;

    /// <summary>How many changes there are in all: pull requests or commits, as the lead-time unit says.</summary>
    public long ChangesTotal => PullRequestChanges?.Total ?? Changes?.Total ?? 0;

    /// <summary>The first page of the team's issues (<see cref="DoraDrillDown.IssuePageAsync"/>); null = no Issues tab (the dashboards, the service view).</summary>
    public DrillDownPage<IssueRow>? Issues { get; init; }

    /// <summary>How many distinct issues there are in all (the Issues tab's count; the rows are pull requests).</summary>
    public long IssueKeys { get; init; }

    /// <param name="leadTimeUnit">The unit the figures used (<see cref="DoraQueries.LeadTimeUnitOf(DoraRequest)"/>).</param>
    /// <param name="withIssues">Whether the team's issues are read too (the team page's whole-team view).</param>
    public static async Task<DrillDownPages> LoadAsync(DoraDrillDown drillDown, DoraRequest request, string leadTimeUnit, CancellationToken cancellationToken = default,
        bool withIssues = false)
    {
        var perPullRequest = leadTimeUnit == Core.Dora.LeadTimeUnit.PullRequest;
        // Only the Deployments tab is open at first: the other tabs keep their totals (their labels' counts) and read their
        // first page when shown, so the page (and its persisted state) carries one grid's rows, not four. Their totals come
        // from a page of one row (every row carries the total, and an issue row the distinct issues).
        var issues = withIssues ? await drillDown.IssuePageAsync(request, 0, 1, cancellationToken) : null;
        return new DrillDownPages(request, leadTimeUnit,
            await drillDown.DeploymentPageAsync(request, 0, PageSize, cancellationToken: cancellationToken),
            perPullRequest ? null : TotalOnly(await drillDown.ChangePageAsync(request, 0, 1, cancellationToken)),
            perPullRequest ? TotalOnly(await drillDown.PullRequestChangePageAsync(request, 0, 1, cancellationToken)) : null,
            TotalOnly(await drillDown.IncidentPageAsync(request, 0, 1, cancellationToken)))
        {
            Issues = issues is null ? null : TotalOnly(issues),
            IssueKeys = issues?.Rows.FirstOrDefault()?.IssueKeys ?? 0,
        };
    }

    private static DrillDownPage<TRow> TotalOnly<TRow>(DrillDownPage<TRow> page) => page with { Rows = [] };
}
