using Analytics.Core.Calendar;
using Analytics.Core.Dora;
using Analytics.Core.Space;
using Analytics.Storage.Catalog;
using Analytics.Storage.Metrics;
using Analytics.Web.Dashboards;

namespace Analytics.Web.Queries;

/// <summary>A dashboard's figures for one period and, for team dashboards, one team: only what its panels need.</summary>
public sealed record DashboardData(
    DashboardDefinition Definition,
    DoraRequest Request,
    DoraResult? Dora,
    IReadOnlyDictionary<Granularity, IReadOnlyList<DoraSeriesPoint>> Series,
    PullRequestCycleTime? CycleTime,
    DrillDownPages? Rows,
    PlatformFigures Platform)
{
    /// <summary>Where each key card's figure is heading, for <see cref="Summary"/>'s scope; null without a keys panel.</summary>
    public KeyTrends? Trends { get; init; }

    /// <summary>A team dashboard's PR cycle time by whole week (<see cref="CycleTimeTrendQueries"/>), beside its cycle-time panel; empty otherwise.</summary>
    public IReadOnlyList<CycleTimeWeek> CycleTimeWeeks { get; init; } = [];

    /// <summary>The summary the key cards show: the team's on a team dashboard, else the organisation's.</summary>
    public DoraSummary? Summary => Dora is null ? null
        : Request.Team is { } team ? Dora.Teams.SingleOrDefault(s => s.Team == team) ?? Dora.Organisation with { Team = team }
        : Dora.Organisation;

    /// <summary>What a lead-time sample of the cards, series and tables is: commit or pull-request (the request's, else the configured one).</summary>
    public string LeadTimeUnit { get; init; } = Core.Dora.LeadTimeUnit.Commit;

    /// <summary>The annotations its series charts mark: those touching the period, the team's and the organisation's (<see cref="CatalogNotes.ForChartAsync"/>).</summary>
    public IReadOnlyList<AnnotationEntry> Annotations { get; init; } = [];

    /// <summary>A team dashboard's goals with the team's figures (beside its key cards); empty on the organisation's.</summary>
    public IReadOnlyList<Core.Goals.GoalProgress> Goals { get; init; } = [];

    /// <summary>Whether a panel shows lead time (keys, series, teams table), so the page offers the unit toggle.</summary>
    public bool ShowsLeadTime => Definition.Panels.Any(panel => panel.Kind is PanelKinds.DoraKeys or PanelKinds.DoraSeries or PanelKinds.TeamsTable);

    /// <summary>The series of one granularity for the dashboard's scope (team or organisation), in bucket order.</summary>
    public IReadOnlyList<DoraSeriesPoint> SeriesFor(Granularity granularity) =>
        Series.TryGetValue(granularity, out var points) ? points.Where(p => p.Team == (Request.Team ?? "")).ToList() : [];
}

/// <summary>Platform adoption, survey and ROI figures a dashboard shows; null where no panel asks for them.</summary>
public sealed record PlatformFigures(
    GoldenPathResult? GoldenPath,
    TemplateCurrencyResult? TemplateCurrency,
    TeamBreakdown<SelfServiceFigure>? SelfService,
    TeamBreakdown<FirstDeployFigure>? FirstDeploy,
    SatisfactionResult? Satisfaction,
    RoiResult? Roi,
    TeamBreakdown<ActivityFigure>? Activity,
    TeamBreakdown<CollaborationFigure>? Collaboration,
    TeamBreakdown<FlowFigure>? Flow);

/// <summary>The assumptions of the ROI panel a reader changed in the URL (?months=&amp;hourlyCost=); null = the configured ones.</summary>
public sealed record RoiInputs(int? Months = null, double? HourlyCost = null);

/// <summary>The one query layer behind dashboards, their exports and the API.</summary>
public sealed class DashboardQueries(
    DoraQueries dora, DoraTierChoice tierChoice, KeyTrendQueries trends, CycleTimeTrendQueries cycleTimeTrend, DoraDrillDown drillDown, PullRequestQueries pullRequests, AdoptionQueries adoption, SurveyQueries surveys, RoiQueries roi, SpaceQueries space, CatalogNotes notes)
{
    /// <param name="tiers">The benchmark year's tier table; null = the configured year's.</param>
    /// <param name="keyTrends">Also the key cards' trends (<see cref="DashboardData.Trends"/>: the previous period's figures
    /// and the weekly series, another full set of queries); only a page that draws the key cards reads them.</param>
    public async Task<DashboardData> LoadAsync(DashboardDefinition definition, DoraRequest request, CancellationToken cancellationToken = default, RoiInputs? roiInputs = null,
        DoraTierTable? tiers = null, bool keyTrends = true)
    {
        var kinds = definition.Panels.Select(p => p.Kind).ToHashSet();
        var needsDora = kinds.Overlaps([PanelKinds.DoraKeys, PanelKinds.TeamsTable, PanelKinds.TierDistribution, PanelKinds.DrillDown]);
        // Teams tables and tier counts compare every team, so they are computed without the team filter.
        var doraRequest = kinds.Overlaps([PanelKinds.TeamsTable, PanelKinds.TierDistribution]) ? request with { Team = null } : request;
        var result = needsDora ? (await dora.SummariesAsync(doraRequest, cancellationToken)).WithTiers(tiers ?? tierChoice.Configured) : null;
        var series = new Dictionary<Granularity, IReadOnlyList<DoraSeriesPoint>>();
        // The panels and the key cards draw only the scope's points (SeriesFor): the organisation's alone when it is the scope.
        var organisationOnly = request.Team is null && request.Unit is null;
        foreach (var granularity in definition.Panels.Where(p => p.Kind == PanelKinds.DoraSeries).Select(p => p.Granularity).Distinct())
        {
            series[granularity] = await dora.SeriesAsync(request, granularity, cancellationToken, organisationOnly);
        }
        // A team's goals show beside its key cards; PR goals need the cycle time even without its panel.
        var goals = request.Team is { } team && kinds.Contains(PanelKinds.DoraKeys) ? await notes.GoalsAsync(team, cancellationToken) : [];
        var cycleTime = kinds.Contains(PanelKinds.CycleTime) || goals.Count > 0 ? (await pullRequests.CycleTimeAsync(request, cancellationToken)).GetValueOrDefault(request.Team ?? "") : null;
        var drill = kinds.Contains(PanelKinds.DrillDown);
        var data = new DashboardData(definition, request, result, series, cycleTime,
            drill ? await DrillDownPages.LoadAsync(drillDown, request, dora.LeadTimeUnitOf(request), cancellationToken) : null,
            await PlatformAsync(kinds, request, roiInputs ?? new RoiInputs(), cancellationToken))
        {
            LeadTimeUnit = dora.LeadTimeUnitOf(request),
            Trends = keyTrends && kinds.Contains(PanelKinds.DoraKeys)
                ? await trends.LoadAsync(request, tiers ?? tierChoice.Configured, series.GetValueOrDefault(Granularity.Week), cancellationToken)
                : null,
            CycleTimeWeeks = kinds.Contains(PanelKinds.CycleTime) && request.Team is not null ? await cycleTimeTrend.WeeklyAsync(request, cancellationToken) : [],
            Annotations = series.Count > 0 ? await notes.ForChartAsync(request.Team, Day(request.From), Day(request.To.AddTicks(-1)), cancellationToken) : [],
        };
        return goals.Count > 0 && data.Summary is { } summary
            ? data with { Goals = Core.Goals.GoalFigures.Progress(goals.Select(goal => (goal.Figure, goal.Target)), summary, cycleTime) }
            : data;
    }

    /// <summary>The UTC calendar day of an instant: annotations are dated by day.</summary>
    internal static DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);

    private async Task<PlatformFigures> PlatformAsync(HashSet<string> kinds, DoraRequest request, RoiInputs roiInputs, CancellationToken cancellationToken)
    {
        var spaceRequest = new SpaceRequest(request.From, request.To, request.Team);
        return new PlatformFigures(
            kinds.Contains(PanelKinds.GoldenPath) ? await adoption.GoldenPathAsync(spaceRequest, cancellationToken) : null,
            kinds.Contains(PanelKinds.TemplateCurrency) ? await adoption.TemplateCurrencyAsync(spaceRequest, cancellationToken) : null,
            kinds.Contains(PanelKinds.SelfService) ? await adoption.SelfServiceAsync(spaceRequest, cancellationToken: cancellationToken) : null,
            kinds.Contains(PanelKinds.FirstDeploy) ? await adoption.FirstDeployAsync(spaceRequest, cancellationToken) : null,
            kinds.Contains(PanelKinds.Satisfaction) ? await surveys.SatisfactionAsync(spaceRequest, cancellationToken) : null,
            kinds.Contains(PanelKinds.Roi) ? await roi.RoiAsync(new RoiRequest(request.From, request.To, roiInputs.Months, roiInputs.HourlyCost) { LeadTimeUnit = request.LeadTimeUnit }, cancellationToken) : null,
            kinds.Contains(PanelKinds.Activity) ? await space.ActivityAsync(spaceRequest, cancellationToken) : null,
            kinds.Contains(PanelKinds.Collaboration) ? await space.CollaborationAsync(spaceRequest, cancellationToken) : null,
            kinds.Contains(PanelKinds.Flow) ? await space.FlowAsync(spaceRequest, cancellationToken) : null);
    }
}
