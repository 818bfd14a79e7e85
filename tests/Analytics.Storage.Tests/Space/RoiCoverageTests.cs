using Analytics.Core.Space;
using Analytics.Simulators.Roi;

namespace Analytics.Storage.Tests.Space;

/// <summary>
/// The ROI coverage study in small (docs/benchmarks.md, "ROI coverage", runs it over 200 organisations with
/// <c>analytics-bench roi</c>): organisations with a known effect of the golden path, through the real store and queries.
/// Thirty organisations cannot pin a 90% coverage down (its standard error is about 5 points), so the bounds here are
/// wide enough not to fail by chance yet fail for an interval that is much too narrow or wide, or a biased estimate.
/// </summary>
public sealed class RoiCoverageTests
{
    [Fact]
    public async Task The_interval_covers_a_known_effect_about_as_often_as_it_says()
    {
        var report = await RoiCoverageStudy.RunAsync(EmbeddedEngine.DataPath, 30, GoldenPathEffect.Typical, firstSeed: 1000, resamples: 400);

        foreach (var key in report.Keys)
        {
            Assert.True(key.WithInterval >= 20, $"{key.Key}: only {key.WithInterval} of 30 organisations had an interval");
            Assert.InRange(key.Coverage, 0.75, 1.0);
        }
        var leadTime = Assert.Single(report.Keys, k => k.Key == RoiKey.LeadTimeHours);
        Assert.InRange(leadTime.MeanEstimate, -0.36, -0.24);   // −30% injected
    }

    [Fact]
    public async Task Without_an_injected_effect_the_estimates_are_centred_on_zero()
    {
        var report = await RoiCoverageStudy.RunAsync(EmbeddedEngine.DataPath, 30, GoldenPathEffect.None, firstSeed: 2000, resamples: 100);

        foreach (var key in report.Keys)
        {
            var scaled = StackedDifferenceInDifferences.Relative(key.Key) ? Math.Log(1 + key.MeanEstimate) : key.MeanEstimate;
            Assert.True(Math.Abs(scaled) <= 3.5 * key.StandardError, $"{key.Key}: mean {scaled} with standard error {key.StandardError}");
        }
    }
}
