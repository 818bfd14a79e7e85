using Analytics.Storage.Catalog;
using Analytics.Storage.ClickHouse;
using Analytics.Storage.Metrics;
using Analytics.Web.Dashboards;
using Analytics.Web.Queries;
using Analytics.Web.Security;
using Analytics.Web.Utils;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace Analytics.Web.Components.Pages;

/// <summary>Renders a dashboard defined as data in dashboards/&lt;name&gt;.json, for the period and team in the URL.</summary>
public partial class DashboardPage
{
    private DashboardData? _data;
    private DashboardDefinition? _needsTeam;
    private IReadOnlyList<string> _teams = [];
    private string? _error;

    [Inject] private DashboardCatalog Dashboards { get; set; } = default!;

    [Inject] private DashboardQueries Queries { get; set; } = default!;

    [Inject] private CatalogLookups Catalog { get; set; } = default!;

    [Inject] private TimeProvider Clock { get; set; } = default!;

    [Parameter] public string Name { get; set; } = "";

    [SupplyParameterFromQuery(Name = "days")] public string? Days { get; set; }

    [SupplyParameterFromQuery(Name = "team")] public string? Team { get; set; }

    /// <summary>The DORA benchmark year of the tiers (?tiers=2021); else the configured one.</summary>
    [SupplyParameterFromQuery(Name = "tiers")] public string? Tiers { get; set; }

    /// <summary>Lead time per commit or per pull request (?leadTimeUnit=pull-request) in the cards, charts and tables; else the configured one.</summary>
    [SupplyParameterFromQuery(Name = "leadTimeUnit")] public string? LeadTimeUnitQuery { get; set; }

    [Inject] private DoraTierChoice TierChoice { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    /// <summary>Whether drill-down panels show (and read) their rows: team-lead of the team (or of all), or admin.</summary>
    private bool _rows;

    /// <summary>ROI assumptions a reader changed (?months=&amp;hourlyCost=).</summary>
    [SupplyParameterFromQuery(Name = "months")] public string? Months { get; set; }

    [SupplyParameterFromQuery(Name = "hourlyCost")] public string? HourlyCost { get; set; }

    private int _defaultDays = Period.DefaultDays;

    private int PeriodDays => Period.DaysFromQuery(Days, _defaultDays);

    protected override async Task OnParametersSetAsync()
    {
        (_error, _needsTeam, _data) = (null, null, null);
        try
        {
            var definition = Dashboards.Load(Name);
            if (definition is null)
            {
                _error = $"There is no dashboard '{Name}' (dashboards: {string.Join(", ", Dashboards.Names())}).";
                return;
            }
            _defaultDays = definition.DefaultDays;
            if (Team is not null && !await Catalog.IsKnownTeamAsync(Team, CancellationToken.None))
            {
                _error = $"There is no team '{Team}' in the catalog.";
                return;
            }
            if (definition.NeedsTeam && Team is null)
            {
                _teams = await Catalog.TeamSlugsAsync();
                _needsTeam = definition;
                return;
            }
            var period = Period.Resolve(null, null, PeriodDays, Clock);
            _rows = AnalyticsRoles.CanSeeRows((await AuthenticationState).User, Team);
            // Without the rows' role the drill-down panel says so, and its rows are never read.
            var loaded = _rows ? definition : definition with { Panels = [.. definition.Panels.Where(panel => panel.Kind != PanelKinds.DrillDown)] };
            var request = new DoraRequest(period.From, period.To, Team) { LeadTimeUnit = Analytics.Core.Dora.LeadTimeUnit.Parse(LeadTimeUnitQuery) };
            _data = await Queries.LoadAsync(loaded, request, CancellationToken.None, RoiInputsFromQuery(), TierChoice.For(Tiers))
                with { Definition = definition };
        }
        catch (DashboardDefinitionException error)
        {
            _error = error.Message;
        }
        catch (ClickHouseException error)
        {
            _error = $"The figures could not be computed: {error.Message}";
        }
    }

    private RoiInputs RoiInputsFromQuery()
    {
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        return new RoiInputs(
            int.TryParse(Months, System.Globalization.NumberStyles.None, invariant, out var months) && months is > 0 and <= 24 ? months : null,
            double.TryParse(HourlyCost, System.Globalization.NumberStyles.Float, invariant, out var cost) && cost is >= 0 and < 1_000_000 ? cost : null);
    }

    /// <summary>A team dashboard's chart point: the team page's figures and rows for that bucket, within the dashboard's window.</summary>
    private string PointUrl(DateOnly bucket, Analytics.Core.Calendar.Granularity granularity) =>
        DashboardUrls.TeamBucketUrl(Team!, bucket, granularity, _data!.Request.From, _data.Request.To, Tiers, Analytics.Core.Dora.LeadTimeUnit.Parse(LeadTimeUnitQuery));

    /// <summary>This dashboard with another lead-time unit (the toggle), keeping team, period and benchmark year.</summary>
    private string UrlFor(string leadTimeUnit) => DashboardUrls.DashboardUrl(Name, Team, PeriodDays, Tiers, leadTimeUnit);

    private string ExportAddress(PanelDefinition panel, string extension) => DashboardUrls.PanelExportUrl(Name, panel.Id, extension, PeriodDays, Team, Tiers,
        Analytics.Core.Dora.LeadTimeUnit.Parse(LeadTimeUnitQuery));
}
