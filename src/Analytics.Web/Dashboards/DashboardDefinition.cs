using Analytics.Core.Calendar;
using Analytics.Core.Dora;

namespace Analytics.Web.Dashboards;

/// <summary>
/// A dashboard as data (dashboards/&lt;name&gt;.json): which panels, in which order, each naming what it shows
/// and how. Read at every request, so editing the file changes the dashboard without rebuilding.
/// </summary>
public sealed record DashboardDefinition(string Name, string Title, string Audience, int DefaultDays, bool NeedsTeam, IReadOnlyList<PanelDefinition> Panels);

/// <param name="Id">Unique in the dashboard; used in export addresses.</param>
/// <param name="Kind">What the panel is; see <see cref="PanelKinds"/>.</param>
/// <param name="Metric">For series panels: which figure of the DORA series to draw.</param>
/// <param name="Chart">For series panels: column or line.</param>
public sealed record PanelDefinition(string Id, string Title, string Kind, string? Metric, Granularity Granularity, string Chart, string? Description);

/// <summary>The panel kinds the app can render, and what a series panel can draw.</summary>
public static class PanelKinds
{
    public const string DoraKeys = "dora-keys";
    public const string DoraSeries = "dora-series";
    public const string TeamsTable = "teams-table";
    public const string TierDistribution = "tier-distribution";
    public const string CycleTime = "cycle-time";
    public const string DrillDown = "drill-down";
    public const string GoldenPath = "golden-path";
    public const string TemplateCurrency = "template-currency";
    public const string SelfService = "self-service";
    public const string FirstDeploy = "first-deploy";
    public const string Satisfaction = "satisfaction";
    public const string Roi = "roi";
    public const string Activity = "activity";
    public const string Collaboration = "collaboration";
    public const string Flow = "flow";

    public static readonly IReadOnlyList<string> All =
    [
        DoraKeys, DoraSeries, TeamsTable, TierDistribution, CycleTime, DrillDown,
        GoldenPath, TemplateCurrency, SelfService, FirstDeploy, Satisfaction, Roi, Activity, Collaboration, Flow,
    ];

    /// <summary>Panels drawn by Components/Shared/PlatformPanels from the query layer's PlatformFigures.</summary>
    public static readonly IReadOnlySet<string> Platform = new HashSet<string>
    {
        GoldenPath, TemplateCurrency, SelfService, FirstDeploy, Satisfaction, Roi, Activity, Collaboration, Flow,
    };

    /// <summary>Panels that show one team's figures and so need ?team= when the dashboard is not the organisation's.</summary>
    public static readonly IReadOnlySet<string> TeamScoped = new HashSet<string> { CycleTime, DrillDown };

    public static readonly IReadOnlyDictionary<string, Func<DoraSeriesPoint, double?>> SeriesMetrics = new Dictionary<string, Func<DoraSeriesPoint, double?>>
    {
        ["deployments"] = point => point.Deployments,
        ["failed_deployments"] = point => point.FailedDeployments,
        ["change_failure_rate"] = point => point.ChangeFailureRate * 100,
        ["lead_time_median_hours"] = point => point.LeadTimeMedian?.TotalHours,
        ["recovery_median_hours"] = point => point.RecoveryMedian?.TotalHours,
        ["incidents_resolved"] = point => point.IncidentsResolved,
    };

    /// <summary>The series metrics that are lead times, whose value depends on the lead-time unit (titles name it).</summary>
    public static readonly IReadOnlyList<string> LeadTimeMetrics = ["lead_time_median_hours"];

    public static readonly IReadOnlyList<string> Charts = ["column", "line"];
}
