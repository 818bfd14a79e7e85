using Analytics.Core.Dora;
using Analytics.Storage.Metrics;

namespace Analytics.Web.Queries;

/// <summary>
/// What the overview shows for one period, benchmark year, lead-time unit and breakdown: the organisation's cards and the
/// first page of its table. Plain data, persisted into the page so the interactive render shows the prerendered figures
/// without querying again; only the shown page of rows (<see cref="FirstRows"/>), not every row (2,000 services at scale L),
/// so the page's weight does not grow with the rows. The table reads every row when the reader pages or sorts.
/// </summary>
/// <param name="Days">The period: the last <paramref name="Days"/> days, as the URL says.</param>
/// <param name="LeadTimeUnit">The unit asked for (?leadTimeUnit=); null = the configured one. The summary names the unit used.</param>
/// <param name="RowCount">How many rows the table has in all (its pager's count).</param>
public sealed record OverviewView(
    int Days,
    int TiersYear,
    string? LeadTimeUnit,
    DoraBreakdown By,
    DoraSummary Organisation,
    KeyTrends? Trends,
    IReadOnlyList<DoraSummary> FirstRows,
    int RowCount)
{
    /// <param name="shownRows">The rows the table shows at once: what the view carries of <paramref name="result"/>'s.</param>
    public static OverviewView Of(int days, int tiersYear, string? leadTimeUnit, DoraBreakdown by, DoraResult result, KeyTrends? trends, int shownRows) =>
        new(days, tiersYear, leadTimeUnit, by, result.Organisation, trends, [.. result.Teams.Take(shownRows)], result.Teams.Count);

    /// <summary>Whether this view answers these parameters; else the page queries again (a new period, year, unit or breakdown).</summary>
    public bool IsFor(int days, int tiersYear, string? leadTimeUnit, DoraBreakdown by) =>
        Days == days && TiersYear == tiersYear && LeadTimeUnit == leadTimeUnit && By == by;
}
