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

    [Fact]
    public void Difference_in_differences_subtracts_the_controls_mean_change_and_bootstraps_a_seeded_interval()
    {
        // Adopter a: 2 → 6 (+4). Controls b: 3 → 4 (+1), c: 1 → 1 (0), mean +0.5 → effect 3.5.
        // Resampling the two controls gives bb (¼): 4 − 1 = 3; bc (½): 3.5; cc (¼): 4. The 5% and 95% quantiles are 3 and 4.
        DidAdopter[] adopters = [new("a", 2, 6, [new("b", 3, 4), new("c", 1, 1)])];

        var result = DifferenceInDifferences.Estimate(adopters, 2000, seed: 7);

        Assert.Equal(3.5, result.Estimate);
        Assert.Equal(3.0, result.Lower);
        Assert.Equal(4.0, result.Upper);
        Assert.Equal((1, 2), (result.Adopters, result.ControlTeams));
        Assert.Equal([0.5], result.ControlChanges);
        Assert.Equal([3.5], result.Effects);
    }

    [Fact]
    public void Adopters_or_controls_without_a_sample_in_a_window_are_left_out()
    {
        // a has no "after"; b's control d has no "before"; b: 10 → 4 (−6) against e: 5 → 6 (+1) → −7.
        DidAdopter[] adopters =
        [
            new("a", 1, null, [new("e", 5, 6)]),
            new("b", 10, 4, [new("d", null, 3), new("e", 5, 6)]),
            new("c", 1, 2, [new("d", null, 3)]),
        ];

        var result = DifferenceInDifferences.Estimate(adopters, 500, seed: 1);

        Assert.Equal(-7, result.Estimate);
        Assert.Equal([null, -7.0, null], result.Effects);
        Assert.Equal([1, 1, 0], result.Controls);
        Assert.Equal(1, result.Adopters);
        Assert.Equal(-7, result.Lower);   // one adopter and one control: every resample is the same
        Assert.Equal(-7, result.Upper);
    }

    [Fact]
    public void The_bootstrap_is_deterministic_for_a_seed_and_resamples_teams()
    {
        var adopters = Enumerable.Range(0, 6).Select(i => new DidAdopter($"a{i}", i, 2 * i + (i % 3),
            Enumerable.Range(0, 5).Select(j => new DidControl($"c{j}", j, j + (j % 2))).ToList())).ToList();

        var first = DifferenceInDifferences.Estimate(adopters, 1000, seed: 42);
        var again = DifferenceInDifferences.Estimate(adopters, 1000, seed: 42);
        var other = DifferenceInDifferences.Estimate(adopters, 1000, seed: 43);

        Assert.Equal((first.Lower, first.Upper), (again.Lower, again.Upper));
        Assert.NotEqual((first.Lower, first.Upper), (other.Lower, other.Upper));
        Assert.True(first.Lower < first.Estimate && first.Estimate < first.Upper, $"{first.Lower} < {first.Estimate} < {first.Upper}");
        Assert.Equal(5, first.ControlTeams);
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
