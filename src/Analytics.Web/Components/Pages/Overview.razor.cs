using Analytics.Core.Dora;
using Analytics.Storage.Metrics;
using Analytics.Web.Queries;
using Analytics.Web.Utils;
using Microsoft.AspNetCore.Components;

namespace Analytics.Web.Components.Pages;

/// <summary>The organisation's four keys and each team's (or service's or repository's: ?by=), for a period chosen in the URL (?days=90).</summary>
public partial class Overview
{
    private string? _error;

    /// <summary>The figures shown; kept from prerendering to the interactive render (.NET 10 declarative persistent state).</summary>
    [PersistentState] public OverviewView? View { get; set; }

    [Inject] private DoraQueries Queries { get; set; } = default!;

    [Inject] private TimeProvider Clock { get; set; } = default!;

    [Inject] private KeyTrendQueries Trends { get; set; } = default!;

    [Inject] private DoraTierChoice TierChoice { get; set; } = default!;

    /// <summary>The DORA benchmark year of the tiers (?tiers=2021); else the configured one.</summary>
    [SupplyParameterFromQuery(Name = "tiers")] public string? Tiers { get; set; }

    /// <summary>
    /// ?days= as written in the URL. A string, not int?: the framework throws on a value it cannot parse as the
    /// parameter's type, so a hand-edited ?days=abc would be a server error instead of the default period.
    /// </summary>
    [SupplyParameterFromQuery(Name = "days")] public string? Days { get; set; }

    /// <summary>Lead time per commit or per pull request (?leadTimeUnit=pull-request); else, or when it names neither, the configured one.</summary>
    [SupplyParameterFromQuery(Name = "leadTimeUnit")] public string? LeadTimeUnitQuery { get; set; }

    private int PeriodDays => Period.DaysFromQuery(Days);

    /// <summary>?by=team|service|repository: what a row of the table is. Anything else reads as team, as a bad ?days= reads as the default period.</summary>
    [SupplyParameterFromQuery(Name = "by")] public string? By { get; set; }

    private DoraBreakdown Breakdown => DoraBreakdowns.Parse(By) ?? DoraBreakdown.Team;

    private string Heading => Breakdown switch
    {
        DoraBreakdown.Service => "Services",
        DoraBreakdown.Repository => "Repositories",
        _ => "Teams",
    };

    private string? LeadTimeUnitChosen => Analytics.Core.Dora.LeadTimeUnit.Parse(LeadTimeUnitQuery);

    protected override async Task OnParametersSetAsync()
    {
        _error = null;
        try
        {
            var tiers = TierChoice.For(Tiers);
            if (View?.IsFor(PeriodDays, tiers.Year, LeadTimeUnitChosen, Breakdown) != true)
            {
                // The shown figures stay until the new ones are in (as before the view was persisted): no spinner between periods.
                var period = Period.Resolve(null, null, PeriodDays, Clock);
                var result = await RowsAsync(new DoraRequest(period.From, period.To), tiers);
                // The organisation's cards: their trend does not depend on what the table's rows are.
                var trends = await Trends.LoadAsync(new DoraRequest(period.From, period.To) { LeadTimeUnit = LeadTimeUnitChosen }, tiers);
                View = OverviewView.Of(PeriodDays, tiers.Year, LeadTimeUnitChosen, Breakdown, result, trends, Shared.TeamsTable.PageSize);
            }
        }
        catch (Exception error) when (error is Analytics.Storage.ClickHouse.ClickHouseException or InvalidOperationException)
        {
            _error = $"The figures could not be computed: {error.Message}";
        }
    }

    private async Task<DoraResult> RowsAsync(DoraRequest period, DoraTierTable tiers) =>
        (await Queries.SummariesAsync(period with { By = Breakdown, LeadTimeUnit = LeadTimeUnitChosen })).WithTiers(tiers);

    /// <summary>Every row of the shown view's table (the view carries only the first page), for the view's own period, breakdown and unit.</summary>
    private async Task<IReadOnlyList<DoraSummary>> AllRowsAsync()
    {
        var view = View!;
        var request = new DoraRequest(view.Organisation.From, view.Organisation.To) { By = view.By, LeadTimeUnit = view.LeadTimeUnit };
        return (await Queries.SummariesAsync(request)).WithTiers(TierChoice.For(Tiers)).Teams;
    }
}
