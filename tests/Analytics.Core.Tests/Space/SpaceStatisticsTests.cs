using Analytics.Core.Calendar;

namespace Analytics.Core.Tests.Space;

public sealed class SpaceStatisticsTests
{
    [Theory]
    [InlineData("3.2.0", 3, 2, 0)]
    [InlineData("v3.2.1", 3, 2, 1)]
    [InlineData("V10.0", 10, 0, 0)]
    [InlineData("7", 7, 0, 0)]
    [InlineData("2.5.0-rc.1", 2, 5, 0)]
    [InlineData("2.5.1+build.7", 2, 5, 1)]
    public void Semantic_versions_read_their_numeric_core(string text, int major, int minor, int patch)
    {
        Assert.True(SemanticVersion.TryParse(text, out var version));
        Assert.Equal(new SemanticVersion(major, minor, patch), version);
    }

    [Theory]
    [InlineData("")]
    [InlineData("latest")]
    [InlineData("1.2.3.4")]
    [InlineData("1..2")]
    [InlineData("1234567890.0.0")]
    [InlineData(" 1.2.3")]
    public void Anything_else_is_not_a_version(string text) => Assert.False(SemanticVersion.TryParse(text, out _));

    [Theory]
    [InlineData("3.2.0", "3.2.0", VersionStatus.Latest, 0, 0)]
    [InlineData("3.3.0", "3.2.0", VersionStatus.Latest, 0, 0)]
    [InlineData("3.2.0", "3.2.4", VersionStatus.PatchBehind, 0, 0)]
    [InlineData("3.0.9", "3.2.0", VersionStatus.MinorBehind, 0, 2)]
    [InlineData("1.9.0", "3.0.0", VersionStatus.MajorBehind, 2, null)]
    [InlineData("banana", "3.0.0", VersionStatus.Unknown, null, null)]
    public void Lag_says_how_many_majors_or_minors_behind(string current, string latest, VersionStatus status, int? majors, int? minors)
    {
        Assert.Equal((status, majors, minors), SemanticVersion.Lag(current, latest));
    }

    private static DidObservation Obs(string team, double? before, double? after, double? earlier = null) => new(team, earlier, before, after);

    [Fact]
    public void Each_stack_subtracts_its_controls_mean_change_and_the_pre_trend_shifts_the_windows_back()
    {
        // Adopter a: 2 → 6 (+4), earlier 1 → 2 (+1). Controls b: 3 → 4 (+1), earlier 3 → 3; c: 1 → 1 (0), earlier 1 → 1.
        // Effect 4 − 0.5 = 3.5; pre-trend 1 − 0 = 1. One adopter: too few teams for an interval.
        DidStack[] stacks = [new(Obs("a", 2, 6, 1), [Obs("b", 3, 4, 3), Obs("c", 1, 1, 1)])];

        var result = StackedDifferenceInDifferences.Estimate(stacks, 2000, seed: 7);

        Assert.Equal((3.5, 1.0), (result.Estimate!.Value, result.PreTrend!.Value));
        Assert.Equal(new DidStackResult(4, 0.5, 3.5, 2, 1), result.Stacks[0]);
        Assert.True(result.TooFewTeams);
        Assert.Equal((null, null, 0), (result.Lower, result.Upper, result.UsableResamples));
    }

    [Fact]
    public void Adopters_or_controls_without_a_sample_in_a_window_are_left_out()
    {
        // a has no "after"; b's control d has no "before"; b: 10 → 4 (−6) against e: 5 → 6 (+1) → −7.
        DidStack[] stacks =
        [
            new(Obs("a", 1, null), [Obs("e", 5, 6)]),
            new(Obs("b", 10, 4), [Obs("d", null, 3), Obs("e", 5, 6)]),
            new(Obs("c", 1, 2), [Obs("d", null, 3)]),
        ];

        var result = StackedDifferenceInDifferences.Estimate(stacks, 500, seed: 1);

        Assert.Equal(-7, result.Estimate);
        Assert.Equal([null, -7.0, null], result.Stacks.Select(s => s.Effect));
        Assert.Equal([1, 1, 0], result.Stacks.Select(s => s.Controls));   // a's control is counted though a has no "after"
        Assert.Equal((1, 1), (result.Adopters, result.ControlTeams));
        Assert.True(result.TooFewTeams);   // one adopter: no interval
        Assert.Null(result.PreTrend);
    }

    [Fact]
    public void The_bayesian_bootstrap_keeps_every_adopter_with_a_single_control_in_every_resample()
    {
        // Five adopters, each with its own single control: resampling teams with replacement would leave some adopter's only
        // control undrawn in most resamples; Dirichlet weights never do, so every resample is usable.
        var stacks = Enumerable.Range(0, 5).Select(i => new DidStack(Obs($"a{i}", 0, i), [Obs($"c{i}", 0, (i % 2) * 0.5)])).ToList();

        var first = StackedDifferenceInDifferences.Estimate(stacks, 1000, seed: 42);
        var again = StackedDifferenceInDifferences.Estimate(stacks, 1000, seed: 42);
        var other = StackedDifferenceInDifferences.Estimate(stacks, 1000, seed: 43);

        Assert.Equal((1000, 1000, false), (first.Resamples, first.UsableResamples, first.TooFewTeams));
        Assert.Equal((5, 5), (first.Adopters, first.ControlTeams));
        Assert.Equal((1.8, first.Lower, first.Upper), (Math.Round(first.Estimate!.Value, 12), again.Lower, again.Upper));
        Assert.NotEqual((first.Lower, first.Upper), (other.Lower, other.Upper));
        Assert.True(first.Lower < first.Estimate && first.Estimate < first.Upper, $"{first.Lower} < {first.Estimate} < {first.Upper}");
        Assert.True(first.Lower >= 0 && first.Upper <= 4, $"{first.Lower}, {first.Upper}: a weighted mean stays within the effects 0…4");
    }

    [Theory]
    [InlineData(2, 6.314 / 1.645 * 1.414)]
    [InlineData(6, 2.015 / 1.645 * 1.095)]
    [InlineData(20, 1.729 / 1.645 * 1.026)]
    public void Few_adopters_widen_the_interval_by_the_t_small_sample_factor(int adopters, double expected)
    {
        // t(G − 1) 95% points from the tables: 6.314 (1), 2.015 (5), 1.729 (19); z = 1.645; √(G / (G − 1)).
        Assert.Equal(expected, StackedDifferenceInDifferences.SmallSampleFactor(adopters, 0.9), adopters == 2 ? 0 : 2);
    }

    [Theory]
    [InlineData(RoiKey.LeadTimeHours, 0.7, -0.3, "−30.0%")]
    [InlineData(RoiKey.DeploymentsPerMonth, 2, 1.0, "+100.0%")]
    [InlineData(RoiKey.ChangeFailureRate, -0.05, -0.05, "−5.0 percentage points")]
    public void Relative_keys_are_estimated_as_log_ratios_and_reported_as_changes(RoiKey key, double ratioOrDifference, double reported, string words)
    {
        var scaled = StackedDifferenceInDifferences.Relative(key) ? Math.Log(ratioOrDifference) : ratioOrDifference;
        Assert.Equal(reported, StackedDifferenceInDifferences.Reported(key, scaled)!.Value, 12);
        Assert.Equal(words, StackedDifferenceInDifferences.Describe(key, reported));
        Assert.Null(StackedDifferenceInDifferences.Scaled(RoiKey.LeadTimeHours, 0));   // no logarithm: no sample
    }

    [Fact]
    public void Month_grid_widens_a_period_to_whole_months_in_the_time_zone()
    {
        var berlin = new MonthGrid("Europe/Berlin");

        var (from, to) = berlin.Snap(new DateTimeOffset(2025, 1, 15, 12, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 2, 28, 23, 30, 0, TimeSpan.Zero));

        // 2025-02-28 23:30 UTC is already 03-01 00:30 in Berlin, so the period runs to the start of April there.
        Assert.Equal(new DateTimeOffset(2024, 12, 31, 23, 0, 0, TimeSpan.Zero), from);
        Assert.Equal(new DateTimeOffset(2025, 3, 31, 22, 0, 0, TimeSpan.Zero), to);   // summer time from 03-30
        Assert.Equal([new DateTimeOffset(2025, 1, 15, 12, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 1, 31, 23, 0, 0, TimeSpan.Zero)],
            berlin.HeadcountInstants(new DateTimeOffset(2025, 1, 15, 12, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 2, 10, 0, 0, 0, TimeSpan.Zero)));
    }
}
