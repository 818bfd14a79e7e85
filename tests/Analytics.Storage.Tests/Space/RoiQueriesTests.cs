using Analytics.Core.Space;

namespace Analytics.Storage.Tests.Space;

/// <summary>
/// Stacked difference in differences worked by hand, N = 1 month (docs/metrics.md, "ROI of the golden path"). Data
/// starts 01-02, so February is the first whole month. Production deployments a month (Feb, Mar, Apr, May):
/// <code>
/// A   a (golden from 04-01)                                   1, 2, 3, 6   adopts April (degree 1/1)
/// B   b (legacy; also 1 on 01-02)                             1, 1, 2, 4   control
/// C   c1, c2 (legacy) 1 + 1 each month; g2 (golden) 2 in Feb and Mar, then handed to H on 04-01
///                                                             4, 4, 2, 2   degree 1/3 → never adopted: control
/// H   h (legacy) 1 each month; inherits g2 on 04-01, 2 a month on it
///                                                             1, 1, 3, 3   adopts April (degree 1/2 ≥ 0.5): the inherited golden-path service
/// D   d (golden since 2020)                                   1, 1, 1, 1   adopts February: before = January, before the data → left out
/// G   gamma: created 03-01 on g (golden)                      0, 10, 10, 10  adopts March; no deployment in February → left out, and never a control
/// E   created 04-01 on e (legacy)                             0, 0, 5, 10  not active in March: not a control
/// F   f (legacy), dissolved 04-01                             10, 10, 0, 0  not active in May: not a control
/// </code>
/// A: March 2 → May 6 (log 3); H: 1 → 3 (log 3); controls B: 1 → 4 (log 4), C: 4 → 2 (−log 2); mean log √2 → each effect
/// log(3/√2), exp − 1 = +112.1%. Pre-trend (February → March): A log 2, H 0, controls 0 → mean log √2 = +41.4%.
/// </summary>
public sealed class RoiQueriesTests : IAsyncLifetime
{
    private static readonly DateTimeOffset From = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = new(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);
    private IClickHouseStore _store = default!;
    private RoiResult _result = default!;

    public async Task InitializeAsync()
    {
        _store = await EmbeddedEngine.NewMigratedDatabaseAsync("roi");
        await _store.ExecuteAsync("INSERT INTO catalog_production_environments (source, pattern) VALUES ('', 'production')");
        await _store.ExecuteAsync("""
            INSERT INTO catalog_service_ownership VALUES
                ('a', 'A', '2020-01-01 00:00:00', NULL), ('b', 'B', '2020-01-01 00:00:00', NULL),
                ('c1', 'C', '2020-01-01 00:00:00', NULL), ('c2', 'C', '2020-01-01 00:00:00', NULL),
                ('g2', 'C', '2020-01-01 00:00:00', '2025-04-01 00:00:00'), ('g2', 'H', '2025-04-01 00:00:00', NULL),
                ('h', 'H', '2020-01-01 00:00:00', NULL), ('d', 'D', '2020-01-01 00:00:00', NULL),
                ('g', 'G', '2025-03-01 00:00:00', NULL), ('e', 'E', '2025-04-01 00:00:00', NULL),
                ('f', 'F', '2020-01-01 00:00:00', '2025-04-01 00:00:00')
            """);
        await _store.ExecuteAsync("INSERT INTO catalog_templates VALUES ('java', '3.2.0', true), ('legacy', '1.0.0', false)");
        await _store.ExecuteAsync("""
            INSERT INTO catalog_service_templates VALUES
                ('a', 'legacy', '1.0.0', '2020-01-01 00:00:00', '2025-04-01 00:00:00'), ('a', 'java', '3.1.0', '2025-04-01 00:00:00', NULL),
                ('b', 'legacy', '1.0.0', '2020-01-01 00:00:00', NULL), ('c1', 'legacy', '1.0.0', '2020-01-01 00:00:00', NULL),
                ('c2', 'legacy', '1.0.0', '2020-01-01 00:00:00', NULL), ('g2', 'java', '3.2.0', '2020-01-01 00:00:00', NULL),
                ('h', 'legacy', '1.0.0', '2020-01-01 00:00:00', NULL), ('d', 'java', '3.0.0', '2020-01-01 00:00:00', NULL),
                ('g', 'java', '3.2.0', '2020-01-01 00:00:00', NULL), ('e', 'legacy', '1.0.0', '2020-01-01 00:00:00', NULL),
                ('f', 'legacy', '1.0.0', '2020-01-01 00:00:00', NULL)
            """);
        var deployments = new List<string> { Deployment("b-jan", "b", new DateTime(2025, 1, 2)) };
        void Add(string service, params int[] perMonth)
        {
            for (var m = 0; m < perMonth.Length; m++)
            {
                for (var i = 0; i < perMonth[m]; i++)
                {
                    deployments.Add(Deployment($"{service}-{m + 2}-{i}", service, new DateTime(2025, m + 2, 2 + i)));
                }
            }
        }
        Add("a", 1, 2, 3, 6); Add("b", 1, 1, 2, 4);
        Add("c1", 1, 1, 1, 1); Add("c2", 1, 1, 1, 1); Add("g2", 2, 2, 2, 2);
        Add("h", 1, 1, 1, 1); Add("d", 1, 1, 1, 1);
        Add("g", 0, 10, 10, 10); Add("e", 0, 0, 5, 10); Add("f", 10, 10, 0, 0);
        await _store.ExecuteAsync($"INSERT INTO deployments (deployment_id, service, environment, status, kind, related_deployment_id, repository, sha, started_at, finished_at, url, source) VALUES {string.Join(", ", deployments)}");
        _result = await Queries().RoiAsync(new RoiRequest(From, To, Months: 1));
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    private static string Deployment(string id, string service, DateTime day) =>
        $"('{id}', '{service}', 'production', 'success', 'normal', '', 'acme/{service}', '{id}', '{day:yyyy-MM-dd} 10:00:00', '{day:yyyy-MM-dd} 10:05:00', '', 't')";

    private RoiQueries Queries(SpaceOptions? space = null)
    {
        var options = Options.Create(new MetricOptions());
        var sql = new SqlFiles();
        return new RoiQueries(_store, sql, options, Options.Create(space ?? new SpaceOptions()), new DoraQueries(_store, sql, options));
    }

    private static DidEstimate Key(RoiResult result, RoiKey key) => Assert.Single(result.Dora, e => e.Key == key);

    [Fact]
    public void Each_adopter_is_compared_only_with_teams_active_in_both_windows_and_not_yet_adopted()
    {
        var frequency = Key(_result, RoiKey.DeploymentsPerMonth);
        Assert.Equal(["A", "H"], frequency.Teams.Select(t => t.Team));
        Assert.Equal((2, 2), (frequency.Adopters, frequency.ControlTeams));   // B and C; never E (created), F (dissolved), G or D (adopted)
        var a = frequency.Teams[0];
        Assert.Equal((2.0, 6.0, 1.0, 2), (a.Before!.Value, a.After!.Value, a.Earlier!.Value, a.Controls));
        Assert.Equal((Math.Log(4) - Math.Log(2)) / 2, a.ControlChange!.Value, 12);
        Assert.Equal(Math.Log(3 / Math.Sqrt(2)), a.Effect!.Value, 12);
        Assert.Equal((new DateOnly(2025, 4, 1), 1.0, new DateOnly(2025, 2, 1), new DateOnly(2025, 3, 1), new DateOnly(2025, 5, 1), new DateOnly(2025, 6, 1)),
            (a.AdoptionMonth, a.AdoptionDegree, a.EarlierFrom, a.BeforeFrom, a.AfterFrom, a.AfterTo));
        Assert.Equal(3 / Math.Sqrt(2) - 1, frequency.Estimate!.Value, 12);   // +112.1%
        Assert.True(frequency.Relative && frequency.HigherIsBetter);
    }

    [Fact]
    public void A_team_inheriting_a_golden_path_service_in_a_reorganisation_adopts_when_its_share_reaches_the_threshold()
    {
        var h = Assert.Single(Key(_result, RoiKey.DeploymentsPerMonth).Teams, t => t.Team == "H");
        Assert.Equal((new DateOnly(2025, 4, 1), 0.5), (h.AdoptionMonth, h.AdoptionDegree));   // h legacy + g2 golden
        Assert.Equal((1.0, 3.0, 2), (h.Before!.Value, h.After!.Value, h.Controls));
        Assert.Equal(Math.Log(3 / Math.Sqrt(2)), h.Effect!.Value, 12);
    }

    [Fact]
    public async Task Under_a_higher_threshold_the_inheriting_team_has_not_adopted_and_is_a_control()
    {
        var strict = await Queries(new SpaceOptions { RoiAdoptionThreshold = 0.6 }).RoiAsync(new RoiRequest(From, To, Months: 1));

        var a = Assert.Single(Key(strict, RoiKey.DeploymentsPerMonth).Teams);
        // Controls B (log 4), C (−log 2), H (log 3): A's effect log 3 − log(6)/3; exp − 1 = +65.1%.
        Assert.Equal(("A", 3), (a.Team, a.Controls));
        Assert.Equal(3 / Math.Cbrt(6) - 1, Key(strict, RoiKey.DeploymentsPerMonth).Estimate!.Value, 12);
        Assert.Equal(0.6, strict.Assumptions.AdoptionThreshold);
    }

    [Fact]
    public void Created_teams_and_teams_adopting_before_the_data_are_left_out_with_the_reason()
    {
        Assert.Equal(["D", "G"], _result.Excluded.Select(e => e.Team));
        Assert.Contains("before the first whole month", _result.Excluded[0].Reason, StringComparison.Ordinal);
        Assert.Equal(new DateOnly(2025, 3, 1), _result.Excluded[1].AdoptionMonth);
        Assert.Contains("did not deploy to production in every month", _result.Excluded[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_pre_trend_is_reported_beside_the_effect_and_too_few_teams_give_no_interval_but_words()
    {
        var frequency = Key(_result, RoiKey.DeploymentsPerMonth);
        // February → March: A 1 → 2 (log 2), H 0, controls 0: mean log √2 = +41.4%.
        Assert.Equal(Math.Sqrt(2) - 1, frequency.PreTrend!.Value, 12);
        Assert.Equal(2, frequency.PreTrendAdopters);
        Assert.True(frequency.TooFewTeams);
        Assert.Null(frequency.Lower);
        Assert.Null(frequency.Upper);
        Assert.Equal(0, frequency.UsableResamples);
        Assert.StartsWith("Too few teams for an interval: 2 adopting team(s)", frequency.Verdict, StringComparison.Ordinal);
        Assert.Contains("+112.1%", frequency.Verdict, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_lower_minimum_every_resample_keeps_each_adopters_comparison()
    {
        var two = await Queries(new SpaceOptions { RoiMinimumAdopters = 2 }).RoiAsync(new RoiRequest(From, To, Months: 1));

        var frequency = Key(two, RoiKey.DeploymentsPerMonth);
        Assert.False(frequency.TooFewTeams);
        Assert.Equal((2000, 2000), (frequency.Resamples, frequency.UsableResamples));
        Assert.True(frequency.Lower <= frequency.Estimate && frequency.Estimate <= frequency.Upper, $"{frequency.Lower} ≤ {frequency.Estimate} ≤ {frequency.Upper}");
        Assert.Contains("90% interval", frequency.Verdict, StringComparison.Ordinal);
    }

    [Fact]
    public void Keys_without_a_sample_have_no_estimate_and_a_rate_of_zero_everywhere_has_no_effect()
    {
        Assert.Null(Key(_result, RoiKey.LeadTimeHours).Estimate);   // no commits
        Assert.Equal(0, Key(_result, RoiKey.LeadTimeHours).Adopters);
        Assert.StartsWith("No estimate", Key(_result, RoiKey.LeadTimeHours).Verdict, StringComparison.Ordinal);
        Assert.Null(Key(_result, RoiKey.RecoveryHours).Estimate);   // no incidents
        Assert.Equal(0.0, Key(_result, RoiKey.ChangeFailureRate).Estimate);
        Assert.False(Key(_result, RoiKey.ChangeFailureRate).Relative);
    }

    [Fact]
    public async Task The_same_data_and_seed_give_the_same_result_and_other_windows_are_honoured()
    {
        var again = await Queries().RoiAsync(new RoiRequest(From, To, Months: 1));
        var earlier = await Queries().RoiAsync(new RoiRequest(From, new DateTimeOffset(2025, 5, 20, 0, 0, 0, TimeSpan.Zero), Months: 1));

        SpaceJson.Equal(_result, again);
        // Ending on 05-20, A's and H's May windows are incomplete: they are left out and nothing is estimated.
        Assert.Null(Key(earlier, RoiKey.DeploymentsPerMonth).Estimate);
        Assert.Contains(earlier.Excluded, e => e.Team == "A" && e.Reason.Contains("after the adoption month", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unusable_assumptions_are_refused()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Queries().RoiAsync(new RoiRequest(From, To, Months: 0)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Queries().RoiAsync(new RoiRequest(From, To, HourlyCost: -1)));
        var invalid = Queries(new SpaceOptions { RoiAdoptionThreshold = 0, TicketEffort = -1 });
        var error = await Assert.ThrowsAnyAsync<Exception>(() => invalid.RoiAsync(new RoiRequest(From, To)));
        Assert.Contains("Analytics:Space:RoiAdoptionThreshold", error.Message, StringComparison.Ordinal);
        Assert.Contains("Analytics:Space:TicketEffort", error.Message, StringComparison.Ordinal);
    }
}
