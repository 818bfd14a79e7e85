using Analytics.Core.Dora;
using Analytics.Storage.ClickHouse;
using Analytics.Storage.Metrics;
using Analytics.Web.Components.Shared;
using Microsoft.AspNetCore.Components;

namespace Analytics.Web.Components.Pages;

/// <summary>A team lead's view: the team's DORA figures for the period in the URL, and the rows behind them.</summary>
public partial class TeamPage
{
    private TeamView? _view;
    private string? _error;

    [Inject] private DoraQueries Queries { get; set; } = default!;

    [Inject] private DoraDrillDown DrillDown { get; set; } = default!;

    [Inject] private PullRequestQueries PullRequests { get; set; } = default!;

    [Inject] private TimeProvider Clock { get; set; } = default!;

    [Inject] private Analytics.Storage.Catalog.CatalogStore Catalog { get; set; } = default!;

    [Parameter] public string Team { get; set; } = "";

    [SupplyParameterFromQuery(Name = "days")] public string? Days { get; set; }

    private int PeriodDays => PeriodPicker.FromQuery(Days);

    protected override async Task OnParametersSetAsync()
    {
        _error = null;
        var period = Period.Resolve(null, null, PeriodDays, Clock);
        var request = new DoraRequest(period.From, period.To, Team);
        try
        {
            if (!await Api.AnalyticsApi.IsKnownTeamAsync(Catalog, Team, CancellationToken.None))
            {
                _view = null;
                _error = $"There is no team '{Team}' in the catalog.";
                return;
            }
            var summary = await Queries.SummariesAsync(request);
            var cycleTime = await PullRequests.CycleTimeAsync(request);
            _view = new TeamView(
                summary.Teams.SingleOrDefault() ?? summary.Organisation with { Team = Team },
                cycleTime.GetValueOrDefault(Team),
                await DrillDown.DeploymentsAsync(request),
                await DrillDown.ChangesAsync(request),
                await DrillDown.IncidentsAsync(request));
        }
        catch (ClickHouseException error)
        {
            _error = $"The figures could not be computed: {error.Message}";
        }
    }

    private sealed record TeamView(DoraSummary Summary, PullRequestCycleTime? CycleTime, IReadOnlyList<DeploymentRow> Deployments, IReadOnlyList<ChangeRow> Changes, IReadOnlyList<IncidentRow> Incidents);
}
