using Analytics.Core.Space;

namespace Analytics.Storage.Tests.Space;

/// <summary>
/// Difference in differences worked by hand, N = 1 month. Team A moves service a onto the golden-path template on
/// 04-10 (adoption month April: before = March, after = May). B never adopts; C adopts on 08-05, after May, so both are
/// controls. D adopted on 02-20, but its March-before window would start in January, before the first whole month of
/// data (deployments start 02-03): left out, with the reason.
/// Production deployments: a — March 2, April 3 (ignored: the transition month), May 6; b — March 3, May 4; c — March 1, May 1.
/// </summary>
public sealed class RoiQueriesTests : IAsyncLifetime
{
    private IClickHouseStore _store = default!;
    private RoiResult _result = default!;

    public async Task InitializeAsync()
    {
        _store = await EmbeddedEngine.NewMigratedDatabaseAsync("roi");
        await _store.ExecuteAsync("INSERT INTO catalog_production_environments (source, pattern) VALUES ('', 'production')");
        await _store.ExecuteAsync("""
            INSERT INTO catalog_service_ownership VALUES
                ('a', 'A', '2020-01-01 00:00:00', NULL), ('b', 'B', '2020-01-01 00:00:00', NULL),
                ('c', 'C', '2020-01-01 00:00:00', NULL), ('d', 'D', '2020-01-01 00:00:00', NULL)
            """);
        await _store.ExecuteAsync("INSERT INTO catalog_templates VALUES ('java', '3.2.0', true), ('legacy', '1.0.0', false)");
        await _store.ExecuteAsync("""
            INSERT INTO catalog_service_templates VALUES
                ('a', 'legacy', '1.0.0', '2020-01-01 00:00:00', '2025-04-10 11:00:00'), ('a', 'java', '3.1.0', '2025-04-10 11:00:00', NULL),
                ('b', 'legacy', '1.0.0', '2020-01-01 00:00:00', NULL),
                ('c', 'java', '3.2.0', '2025-08-05 11:00:00', NULL),
                ('d', 'java', '3.0.0', '2025-02-20 11:00:00', NULL)
            """);
        var deployments = new List<string> { Deployment("d0", "d", new DateTime(2025, 2, 3)) };
        void Add(string service, int month, int count)
        {
            for (var i = 0; i < count; i++)
            {
                deployments.Add(Deployment($"{service}-{month}-{i}", service, new DateTime(2025, month, 2 + i)));
            }
        }
        Add("a", 3, 2); Add("a", 4, 3); Add("a", 5, 6);
        Add("b", 3, 3); Add("b", 5, 4);
        Add("c", 3, 1); Add("c", 5, 1);
        await _store.ExecuteAsync($"INSERT INTO deployments (deployment_id, service, environment, status, kind, related_deployment_id, repository, sha, started_at, finished_at, url, source) VALUES {string.Join(", ", deployments)}");
        _result = await Queries().RoiAsync(new RoiRequest(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero), Months: 1));
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    private static string Deployment(string id, string service, DateTime day) =>
        $"('{id}', '{service}', 'production', 'success', 'normal', '', 'acme/{service}', '{id}', '{day:yyyy-MM-dd} 10:00:00', '{day:yyyy-MM-dd} 10:05:00', '', 't')";

    private RoiQueries Queries()
    {
        var options = Options.Create(new MetricOptions());
        var sql = new SqlFiles();
        return new RoiQueries(_store, sql, options, Options.Create(new SpaceOptions()), new DoraQueries(_store, sql, options), new AdoptionQueries(_store, sql, options));
    }

    private DidEstimate Key(RoiKey key) => Assert.Single(_result.Dora, e => e.Key == key);

    [Fact]
    public void Deployment_frequency_change_of_the_adopter_is_compared_with_the_controls_change_over_the_same_months()
    {
        // A: 2 → 6 a month (+4). Controls: B 3 → 4 (+1), C 1 → 1 (0); mean +0.5. Effect 3.5.
        var frequency = Key(RoiKey.DeploymentsPerMonth);
        Assert.Equal(3.5, frequency.Estimate);
        var a = Assert.Single(frequency.Teams);
        Assert.Equal(("A", 2.0, 6.0, 2, 0.5, 3.5), (a.Team, a.Before!.Value, a.After!.Value, a.Controls, a.ControlChange!.Value, a.Effect!.Value));
        Assert.Equal((new DateOnly(2025, 3, 1), new DateOnly(2025, 5, 1), new DateOnly(2025, 6, 1)), (a.BeforeFrom, a.AfterFrom, a.AfterTo));
        Assert.Equal(new DateTimeOffset(2025, 4, 10, 11, 0, 0, TimeSpan.Zero), a.AdoptedAt);
        Assert.True(frequency.HigherIsBetter);
        Assert.True(frequency.LowConfidence);   // 1 adopting team < 5
    }

    [Fact]
    public void The_interval_resamples_the_control_teams_with_a_fixed_seed()
    {
        // Resampling B and C: BB → 4 − 1 = 3, BC → 3.5, CC → 4 − 0 = 4; a quarter each of BB and CC: 5% → 3, 95% → 4.
        var frequency = Key(RoiKey.DeploymentsPerMonth);
        Assert.Equal((3.0, 4.0), (frequency.Lower!.Value, frequency.Upper!.Value));
        Assert.Equal(2, frequency.ControlTeams);
    }

    [Fact]
    public void Keys_without_a_sample_have_no_estimate_and_a_rate_of_zero_everywhere_has_no_effect()
    {
        Assert.Null(Key(RoiKey.LeadTimeHours).Estimate);   // no commits
        Assert.Equal(0, Key(RoiKey.LeadTimeHours).Adopters);
        Assert.Null(Key(RoiKey.RecoveryHours).Estimate);   // no incidents
        Assert.Equal(0.0, Key(RoiKey.ChangeFailureRate).Estimate);
    }

    [Fact]
    public void Adopters_whose_windows_do_not_fit_the_data_are_listed_with_the_reason()
    {
        var excluded = Assert.Single(_result.Excluded);
        Assert.Equal("D", excluded.Team);
        Assert.Contains("before the first whole month", excluded.Reason, StringComparison.Ordinal);
        Assert.Equal(1, _result.Assumptions.Months);
    }

    [Fact]
    public async Task The_same_data_and_seed_give_the_same_result_and_other_windows_are_honoured()
    {
        var again = await Queries().RoiAsync(new RoiRequest(_result.From, _result.To, Months: 1));
        var earlier = await Queries().RoiAsync(new RoiRequest(_result.From, new DateTimeOffset(2025, 5, 20, 0, 0, 0, TimeSpan.Zero), Months: 1));

        SpaceJson.Equal(_result, again);
        // Ending on 05-20, A's May window is incomplete: A is left out and nothing is estimated.
        Assert.Null(Assert.Single(earlier.Dora, e => e.Key == RoiKey.DeploymentsPerMonth).Estimate);
        Assert.Contains(earlier.Excluded, e => e.Team == "A" && e.Reason.Contains("after the adoption month", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unusable_assumptions_are_refused()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Queries().RoiAsync(new RoiRequest(_result.From, _result.To, Months: 0)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Queries().RoiAsync(new RoiRequest(_result.From, _result.To, HourlyCost: -1)));
    }
}
