using System.Diagnostics.Metrics;
using Analytics.Core.Dora;
using Analytics.Storage.Catalog;
using Analytics.Storage.Metrics;
using Analytics.Web.Utils;

namespace Analytics.Web.Queries;

/// <summary>
/// What the team page shows for one team, period and benchmark year. <see cref="Summary"/> is null when the catalog
/// does not know the team. <see cref="Services"/>: the team's figures split by its services (their events while it owned them).
/// Plain data, so the prerendered view can be persisted into the page and reused by the interactive render.
/// </summary>
public sealed record TeamPageView(
    string Team,
    int Days,
    int TiersYear,
    DoraSummary? Summary,
    PullRequestCycleTime? CycleTime,
    IReadOnlyList<DeploymentRow> Deployments,
    IReadOnlyList<ChangeRow> Changes,
    IReadOnlyList<IncidentRow> Incidents,
    IReadOnlyList<DoraSummary> Services)
{
    /// <summary>The lead-time unit asked for (?leadTimeUnit=); null = the configured one. The summary names the unit used.</summary>
    public string? LeadTimeUnit { get; init; }

    public bool IsFor(string team, int days, int tiersYear, string? leadTimeUnit = null) =>
        Team == team && Days == days && TiersYear == tiersYear && LeadTimeUnit == leadTimeUnit;
}

/// <summary>The team page's one query: the team's keys, PR cycle time and the rows behind them.</summary>
public sealed class TeamPageQueries(DoraQueries dora, DoraDrillDown drillDown, PullRequestQueries pullRequests, CatalogLookups catalog, TimeProvider clock)
{
    /// <summary>The meter whose <c>analytics.team_page.loads</c> counts each load of a team page's figures, tagged with the team.</summary>
    public const string MeterName = "Analytics.Web.TeamPage";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Loads = Meter.CreateCounter<long>("analytics.team_page.loads", description: "Team page views that queried the store");

    /// <param name="withRows">Whether the rows behind the figures are read: only for someone who may see them (they would be in the page).</param>
    /// <param name="leadTimeUnit">What a lead-time sample is (<see cref="Core.Dora.LeadTimeUnit"/>); null = the configured one.</param>
    public async Task<TeamPageView> LoadAsync(string team, int days, DoraTierTable tiers, bool withRows = true, string? leadTimeUnit = null, CancellationToken cancellationToken = default)
    {
        Loads.Add(1, new KeyValuePair<string, object?>("team", team));
        var period = Period.Resolve(null, null, days, clock);
        if (!await catalog.IsKnownTeamAsync(team, cancellationToken))
        {
            return new TeamPageView(team, days, tiers.Year, null, null, [], [], [], []) { LeadTimeUnit = leadTimeUnit };
        }
        var request = new DoraRequest(period.From, period.To, team) { LeadTimeUnit = leadTimeUnit };
        var summary = (await dora.SummariesAsync(request, cancellationToken)).WithTiers(tiers);
        var services = (await dora.SummariesAsync(request with { By = DoraBreakdown.Service }, cancellationToken)).WithTiers(tiers);
        var cycleTime = await pullRequests.CycleTimeAsync(request, cancellationToken);
        return new TeamPageView(team, days, tiers.Year,
            summary.Teams.SingleOrDefault() ?? summary.Organisation with { Team = team },
            cycleTime.GetValueOrDefault(team),
            withRows ? await drillDown.DeploymentsAsync(request, cancellationToken: cancellationToken) : [],
            withRows ? await drillDown.ChangesAsync(request, cancellationToken: cancellationToken) : [],
            withRows ? await drillDown.IncidentsAsync(request, cancellationToken: cancellationToken) : [],
            services.Teams)
        {
            LeadTimeUnit = leadTimeUnit,
        };
    }
}
