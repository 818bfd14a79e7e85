using Analytics.Ingestors.Demo;

namespace Analytics.Storage.Tests.Metrics;

/// <summary>
/// Property the team page relies on (<see cref="DoraQueries.TeamSummary"/>): for every team of generated organisations, the
/// rollup row of the team's breakdown by service is exactly the team's own summary as the team-filtered query by team
/// gives it — every field of every figure, tiers included, both lead-time units, several periods (a partial week too).
/// </summary>
public sealed class DoraQueriesTeamRollupTests
{
    private static readonly DateTimeOffset End = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(31)]
    [InlineData(32)]
    public async Task The_service_breakdowns_rollup_is_the_teams_own_summary(int seed)
    {
        await using var organisation = await GeneratedOrganisation.LoadAsync("team_rollup", DemoScale.Tiny, seed, End);
        var store = organisation.Store;
        var queries = new DoraQueries(store, new SqlFiles(), Options.Create(new MetricOptions()));
        var teams = (await store.QueryAsync<TeamRow>("SELECT DISTINCT team FROM catalog_service_ownership ORDER BY team")).Select(row => row.Team).Append("no-such-team").ToList();
        var tiers = DoraTierTables.Default;
        var compared = 0;
        foreach (var unit in LeadTimeUnit.All)
        {
            foreach (var (from, to) in new[] { (End.AddDays(-30), End), (End.AddDays(-90), End), (End.AddDays(-40).AddHours(5), End.AddDays(-37)) })
            {
                foreach (var team in teams)
                {
                    var request = new DoraRequest(from, to, team) { LeadTimeUnit = unit };
                    // As the team page read the team's own figures before it took the breakdown's rollup.
                    var own = (await queries.SummariesAsync(request)).WithTiers(tiers);
                    var expected = own.Teams.SingleOrDefault() ?? own.Organisation with { Team = team };
                    var breakdown = (await queries.SummariesAsync(request with { By = DoraBreakdown.Service })).WithTiers(tiers);
                    Assert.True(expected == DoraQueries.TeamSummary(breakdown),
                        $"seed {seed}, team '{team}', {unit}, {from:O}..{to:O}: the rollup {DoraQueries.TeamSummary(breakdown)} is not the team's {expected}");
                    compared += expected.DeploymentFrequency.Deployments > 0 && expected.LeadTime.Changes > 0 ? 1 : 0;
                }
            }
        }
        Assert.True(compared > teams.Count, $"seed {seed}: only {compared} comparisons had deployments and changes");
    }

    private sealed record TeamRow(string Team);
}
