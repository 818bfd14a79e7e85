namespace Analytics.Storage.Tests.Metrics;

/// <summary>
/// Failed-deployment recovery time (dora/restore_time.sql) where the period is not where the failure is: the query
/// reads, per service, only its last good deployment before the period, its failed deployments and the period's good
/// ones, so a wrong bound shows here. The hand-made history (days from Monday 2 March 2026, the period [day 0, day 14)):
/// <list type="bullet">
/// <item>slow (alpha, acme/slow): good day −120, failed day −100, good day 5 — a restore 105 days long, in the period;</item>
/// <item>moved (alpha until day −30, then gamma; acme/slow): failed day −40 (alpha's), good day 1 (gamma's) — alpha's, 41 days;</item>
/// <item>stuck (beta, acme/stuck): good day −80, failed days −60 and 10 — both await a restore at the end (it still deploys);</item>
/// <item>late (beta, acme/stuck): failed day 12, good day 20 — awaits at the end, restored in the next period;</item>
/// <item>retired (gamma, acme/retired): failed day −200, nothing since — awaits nothing (it stopped deploying);</item>
/// <item>tie (delta, acme/tie): failed and good at the same millisecond of day 2 (the good one restores nothing), good day 3;</item>
/// <item>early (delta, acme/tie): failed day −50, good day −45 — restored before the period, counted in none after it.</item>
/// </list>
/// Each failure is an incident naming the deployment.
/// </summary>
public sealed class RestoreTimeBoundsTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Monday = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset From = Monday;
    private static readonly DateTimeOffset To = Monday.AddDays(14);
    private readonly MetricOptions _options = new();
    private IClickHouseStore _store = default!;
    private DoraQueries _queries = default!;
    private DoraOracle _oracle = default!;

    private static DateTimeOffset Day(int day) => Monday.AddDays(day).AddHours(10);

    public async Task InitializeAsync()
    {
        _store = await EmbeddedEngine.NewMigratedDatabaseAsync("restore_bounds");
        await _store.InsertAsync("catalog_production_environments", ["source", "pattern"], [["", "production"]]);
        await _store.InsertAsync("catalog_services", ["service", "repository", "default_branch", "paths"],
            new[] { ("slow", "acme/slow"), ("moved", "acme/slow"), ("stuck", "acme/stuck"), ("late", "acme/stuck"), ("retired", "acme/retired"), ("tie", "acme/tie"), ("early", "acme/tie") }
                .Select(s => new object?[] { s.Item1, s.Item2, "main", Array.Empty<string>() }));
        var since = Monday.AddYears(-2);
        await _store.InsertAsync("catalog_service_ownership", ["service", "team", "valid_from", "valid_to"],
        [
            ["slow", "alpha", since, null], ["moved", "alpha", since, Monday.AddDays(-30)], ["moved", "gamma", Monday.AddDays(-30), null],
            ["stuck", "beta", since, null], ["late", "beta", since, null], ["retired", "gamma", since, null],
            ["tie", "delta", since, null], ["early", "delta", since, null],
        ]);
        var deployments = new (string Id, string Service, DateTimeOffset Finished, bool Failed)[]
        {
            ("slow-1", "slow", Day(-120), false), ("slow-2", "slow", Day(-100), true), ("slow-3", "slow", Day(5), false),
            ("moved-1", "moved", Day(-40), true), ("moved-2", "moved", Day(1), false),
            ("stuck-1", "stuck", Day(-80), false), ("stuck-2", "stuck", Day(-60), true), ("stuck-3", "stuck", Day(10), true),
            ("late-1", "late", Day(12), true), ("late-2", "late", Day(20), false),
            ("retired-1", "retired", Day(-200), true),
            ("tie-1", "tie", Day(2), true), ("tie-2", "tie", Day(2), false), ("tie-3", "tie", Day(3), false),
            ("early-1", "early", Day(-50), true), ("early-2", "early", Day(-45), false),
        };
        await _store.InsertAsync("deployments", ["deployment_id", "service", "environment", "status", "kind", "related_deployment_id", "repository", "sha", "started_at", "finished_at", "url", "source"],
            deployments.Select(d => new object?[] { d.Id, d.Service, "production", "success", "normal", "", "acme/" + d.Service, d.Id, d.Finished.AddMinutes(-5), d.Finished, "", "test" }));
        await _store.InsertAsync("incidents", ["incident_id", "service", "severity", "title", "started_at", "resolved_at", "caused_by_deployment_id", "url", "source"],
            deployments.Where(d => d.Failed).Select(d => new object?[] { "i-" + d.Id, d.Service, "sev2", "broken", d.Finished.AddHours(1), d.Finished.AddHours(2), d.Id, "", "test" }));
        _queries = new DoraQueries(_store, new SqlFiles(), Options.Create(_options));
        _oracle = new DoraOracle(await GeneratedOrganisation.ReadDoraHistoryAsync(_store), _options);
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    private async Task<Dictionary<string, RecoveryFigure>> RestoresAsync(DateTimeOffset from, DateTimeOffset to, DoraBreakdown by = DoraBreakdown.Team, string? team = null)
    {
        var result = await _queries.SummariesAsync(new DoraRequest(from, to, team) { By = by });
        return result.Teams.Append(result.Organisation).ToDictionary(row => row.Team, row => row.RecoveryTime);
    }

    [Fact]
    public async Task Failures_long_before_the_period_are_restored_in_it_or_await_while_their_service_deploys()
    {
        var teams = await RestoresAsync(From, To);

        // alpha: slow-2 → slow-3 (105 days) and moved-1 → moved-2 (41 days): median 73 days.
        Assert.Equal((2L, TimeSpan.FromDays(73), 0L), (teams["alpha"].Restored, teams["alpha"].RestoreMedian, teams["alpha"].AwaitingRestore));
        // beta: stuck-2 (day −60) and stuck-3 await, stuck still deploying; late-1 awaits (late-2 comes after the end).
        Assert.Equal((0L, 3L), (teams["beta"].Restored, teams["beta"].AwaitingRestore));
        // gamma: retired-1 awaits nothing, retired stopped deploying 200 days ago; moved-2 is gamma's but the failure alpha's.
        Assert.Equal((0L, 0L), (teams["gamma"].Restored, teams["gamma"].AwaitingRestore));
        // delta: tie-2 finished at the same millisecond as tie-1, so tie-3 restores it, a day later; early-1 was restored before.
        Assert.Equal((1L, TimeSpan.FromDays(1), 0L), (teams["delta"].Restored, teams["delta"].RestoreMedian, teams["delta"].AwaitingRestore));
        Assert.Equal((3L, 3L), (teams[""].Restored, teams[""].AwaitingRestore));

        // The next fortnight: late-1 restored by late-2 (8 days); stuck's two still await.
        var next = await RestoresAsync(To, To.AddDays(14));
        Assert.Equal((1L, TimeSpan.FromDays(8), 2L), (next["beta"].Restored, next["beta"].RestoreMedian, next["beta"].AwaitingRestore));
    }

    [Fact]
    public async Task Sql_equals_the_oracle_for_periods_before_across_and_after_the_failures_by_team_service_and_repository()
    {
        DateTimeOffset[][] periods =
        [
            [From, To], [To, To.AddDays(14)], [Day(-110), Day(-90)], [Day(-61), From], [Day(-46), Day(-44)], [Day(-300), To.AddDays(30)],
            [Day(2), Day(2).AddMilliseconds(1)], [Day(2).AddMilliseconds(1), Day(4)], [Day(-199), Day(-150)],
        ];
        foreach (var period in periods)
        {
            foreach (var by in new[] { DoraBreakdown.Team, DoraBreakdown.Service, DoraBreakdown.Repository })
            {
                var rows = await RestoresAsync(period[0], period[1], by);
                foreach (var (unit, want) in _oracle.Summaries(period[0], period[1], by: by))
                {
                    var context = $"by {by}, {period[0]:O}..{period[1]:O}, row '{unit}'";
                    var got = rows.GetValueOrDefault(unit);
                    Assert.True(want.RecoveryTime.Restored == (got?.Restored ?? 0), $"{context}: restored {got?.Restored}, oracle {want.RecoveryTime.Restored}");
                    Assert.True(want.RecoveryTime.AwaitingRestore == (got?.AwaitingRestore ?? 0), $"{context}: awaiting {got?.AwaitingRestore}, oracle {want.RecoveryTime.AwaitingRestore}");
                    DoraOracleAgreementTests.AssertMilliseconds(want.RecoveryTime.RestoreMedian, got?.RestoreMedian, $"{context}: restore median");
                }
            }
            // One team's request: its own failures, from the deployments of every team of its services (moved-2 is gamma's).
            var oracleTeams = _oracle.Summaries(period[0], period[1]);
            foreach (var team in new[] { "alpha", "beta", "gamma", "delta" })
            {
                var got = (await RestoresAsync(period[0], period[1], team: team)).GetValueOrDefault(team);
                var want = oracleTeams[team].RecoveryTime;
                var context = $"team {team}, {period[0]:O}..{period[1]:O}";
                Assert.True(want.Restored == (got?.Restored ?? 0) && want.AwaitingRestore == (got?.AwaitingRestore ?? 0),
                    $"{context}: restored/awaiting {got?.Restored}/{got?.AwaitingRestore}, oracle {want.Restored}/{want.AwaitingRestore}");
                DoraOracleAgreementTests.AssertMilliseconds(want.RestoreMedian, got?.RestoreMedian, $"{context}: restore median");
            }
        }
    }
}
