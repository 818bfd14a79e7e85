using Analytics.Core.Dora;
using Analytics.Storage.Metrics;
using Analytics.Ingestors.Tests.Runs;

namespace Analytics.Ingestors.Tests.Sources;

/// <summary>
/// The checks after a pulled source read an incident again under another service (its service mapping changed), shared
/// by the PagerDuty and Jira sync tests: the run wrote that one row, every incident has one row with or without FINAL
/// (the old one was replaced, not kept beside it), and the figures count the open incident once, for the new service's team.
/// </summary>
public static class MovedIncident
{
    public static async Task AssertReplacedAsync(IngestTestHost host, IngestRunOutcome run, string incidentId, string service, long incidents, DoraRequest period,
        (long Resolved, long Open) organisation, string newTeam, string oldTeam)
    {
        Assert.True(run.Succeeded, run.Error);
        Assert.Equal(1, run.RowsPerTable["incidents"]);
        Assert.Equal(incidents, await host.CountAsync("incidents FINAL"));
        Assert.Equal(incidents, await host.CountAsync("incidents"));
        Assert.Equal(1, await host.CountAsync("incidents", $"incident_id = '{incidentId}' AND service = '{service}'"));
        await host.EngineStore.RefreshStaleAsync();
        var figures = await StoredFigures.Dora(host).SummariesAsync(period);
        Assert.Equal(organisation, (figures.Organisation.RecoveryTime.Resolved, figures.Organisation.RecoveryTime.Open));
        Assert.Equal(1L, figures.Teams.Single(team => team.Team == newTeam).RecoveryTime.Open);
        Assert.Equal(0L, figures.Teams.SingleOrDefault(team => team.Team == oldTeam)?.RecoveryTime.Open ?? 0);
    }
}
