using System.Diagnostics.Metrics;
using Analytics.Core.Calendar;
using Analytics.Core.Dora;
using Analytics.Storage.Catalog;
using Analytics.Storage.Metrics;
using Analytics.Web.Dashboards;
using Analytics.Web.Utils;

namespace Analytics.Web.Queries;

/// <summary>
/// What the team page shows for one team, period and benchmark year. <see cref="Summary"/> is null when the catalog
/// does not know the team (or, in the service view, the team has no such service). <see cref="Services"/>: the team's
/// figures split by its services (their events while it owned them). <see cref="Series"/>: the weekly DORA series of the
/// team, or of the service. Plain data, so the prerendered view can be persisted into the page and reused by the interactive render.
/// </summary>
public sealed record TeamPageView(
    string Team,
    int Days,
    int TiersYear,
    DoraSummary? Summary,
    PullRequestCycleTime? CycleTime,
    DrillDownPages? Rows,
    IReadOnlyList<DoraSummary> Services)
{
    /// <summary>The lead-time unit asked for (?leadTimeUnit=); null = the configured one. The summary names the unit used.</summary>
    public string? LeadTimeUnit { get; init; }

    /// <summary>The service view's service (?service=): the figures, series and rows are its events while the team owned it; null = the whole team.</summary>
    public string? Service { get; init; }

    /// <summary>The weekly series (team's or service's), one point per week, as <see cref="TeamPageQueries.SeriesPanels"/> draw it.</summary>
    public IReadOnlyList<DoraSeriesPoint> Series { get; init; } = [];

    /// <summary>Where each key card's figure is heading (<see cref="KeyTrendQueries"/>): weekly numbers and the previous period's figures, never rows.</summary>
    public KeyTrends? Trends { get; init; }

    /// <summary>PR cycle time's phases by whole week (<see cref="CycleTimeTrendQueries"/>); empty in the service view, as the breakdown.</summary>
    public IReadOnlyList<CycleTimeWeek> CycleTimeWeeks { get; init; } = [];

    /// <summary>The annotations the charts mark: the team's and the organisation's touching the period.</summary>
    public IReadOnlyList<AnnotationEntry> Annotations { get; init; } = [];

    /// <summary>The team's goals (figure and target); the page sets them against <see cref="Summary"/> and <see cref="CycleTime"/>.</summary>
    public IReadOnlyList<GoalEntry> Goals { get; init; } = [];

    /// <summary>Each goal against the team's figures for the period (not persisted: computed from the persisted figures).</summary>
    public IReadOnlyList<Core.Goals.GoalProgress> GoalProgress() => Summary is { } summary
        ? Core.Goals.GoalFigures.Progress(Goals.Select(goal => (goal.Figure, goal.Target)), summary, CycleTime)
        : [];

    /// <summary>The dates asked for (?from=&amp;to=, a chart point's bucket) instead of the last <see cref="Days"/>; null = the last days.</summary>
    public Period? Dates { get; init; }

    public bool IsFor(string team, int days, int tiersYear, string? leadTimeUnit = null, string? service = null, Period? dates = null) =>
        Team == team && Days == days && TiersYear == tiersYear && LeadTimeUnit == leadTimeUnit && Service == service && Dates == dates;
}

/// <summary>The team page's one query: the team's (or one of its services') keys, weekly series, PR cycle time and the rows behind them.</summary>
public sealed class TeamPageQueries(DoraQueries dora, DoraDrillDown drillDown, PullRequestQueries pullRequests, CatalogLookups catalog, KeyTrendQueries trends, CycleTimeTrendQueries cycleTimeTrend, CatalogNotes notes, TimeProvider clock)
{
    /// <summary>The meter whose <c>analytics.team_page.loads</c> counts each load of a team page's figures, tagged with the team.</summary>
    public const string MeterName = "Analytics.Web.TeamPage";

    /// <summary>The charts of the team page and service view, by week (as the team-lead dashboard's, which a reader may edit apart).</summary>
    public static readonly IReadOnlyList<PanelDefinition> SeriesPanels =
    [
        new("deployments", "Production deployments by week", PanelKinds.DoraSeries, "deployments", Granularity.Week, "column", null),
        new("lead-time", "Lead time, median hours by week", PanelKinds.DoraSeries, "lead_time_median_hours", Granularity.Week, "line", null),
        new("change-failure-rate", "Change failure rate, % by week", PanelKinds.DoraSeries, "change_failure_rate", Granularity.Week, "line", null),
    ];

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Loads = Meter.CreateCounter<long>("analytics.team_page.loads", description: "Team page views that queried the store");

    /// <param name="withRows">Whether the rows behind the figures are read: only for someone who may see them (they would be in the page).</param>
    /// <param name="leadTimeUnit">What a lead-time sample is (<see cref="Core.Dora.LeadTimeUnit"/>); null = the configured one. The series follow it too.</param>
    /// <param name="service">The service view: one of the team's services (a row of <see cref="TeamPageView.Services"/>); null = the whole team.</param>
    /// <param name="dates">The period [from, to) a chart point asked for (?from=&amp;to=); null = the last <paramref name="days"/> days.</param>
    public async Task<TeamPageView> LoadAsync(string team, int days, DoraTierTable tiers, bool withRows = true, string? leadTimeUnit = null, CancellationToken cancellationToken = default,
        string? service = null, Period? dates = null)
    {
        Loads.Add(1, new KeyValuePair<string, object?>("team", team));
        var period = dates ?? Period.Resolve(null, null, days, clock);
        var unknown = new TeamPageView(team, days, tiers.Year, null, null, null, []) { LeadTimeUnit = leadTimeUnit, Service = service, Dates = dates };
        if (!await catalog.IsKnownTeamAsync(team, cancellationToken))
        {
            return unknown;
        }
        var request = new DoraRequest(period.From, period.To, team) { LeadTimeUnit = leadTimeUnit };
        var breakdown = (await dora.SummariesAsync(request with { By = DoraBreakdown.Service }, cancellationToken)).WithTiers(tiers);
        var services = breakdown.Teams;
        DoraSummary summary;
        if (service is null)
        {
            // The breakdown's rollup row is the team's own figures: no second set of the figures' queries.
            summary = DoraQueries.TeamSummary(breakdown);
        }
        else if (services.SingleOrDefault(row => row.Team == service) is { } row)
        {
            // The team filter stays: a service the team handed over shows only what it did while the team owned it.
            summary = row;
            request = request with { By = DoraBreakdown.Service, Unit = service };
        }
        else
        {
            return unknown;
        }
        var series = (await dora.SeriesAsync(request, Granularity.Week, cancellationToken)).Where(point => point.Team == (service ?? team)).ToList();
        var cycleTime = service is null ? (await pullRequests.CycleTimeAsync(request, cancellationToken)).GetValueOrDefault(team) : null;
        return new TeamPageView(team, days, tiers.Year, summary, cycleTime,
            // The open grid's first page and every grid's total: the grids read the rest as they are shown (DrillDownTabs).
            // The team's issues too, but not in the service view.
            withRows ? await DrillDownPages.LoadAsync(drillDown, request, summary.LeadTime.Unit, cancellationToken, withIssues: service is null) : null,
            service is null ? services : [])
        {
            LeadTimeUnit = leadTimeUnit,
            Service = service,
            Dates = dates,
            Series = series,
            Trends = await trends.LoadAsync(request, tiers, series, cancellationToken),
            CycleTimeWeeks = service is null ? await cycleTimeTrend.WeeklyAsync(request, cancellationToken) : [],
            Annotations = await notes.ForChartAsync(team, DashboardQueries.Day(period.From), DashboardQueries.Day(period.To.AddTicks(-1)), cancellationToken),
            // Goals are the team's; the service view shows the service's figures, which they do not judge.
            Goals = service is null ? await notes.GoalsAsync(team, cancellationToken) : [],
        };
    }
}
