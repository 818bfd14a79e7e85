using Analytics.Core.Space;
using Analytics.Simulators.Roi;

namespace Analytics.Storage.Tests.Space;

/// <summary>
/// The ROI through the real engine (roi/*.sql, dora/window_keys.sql, RoiQueries, the stacked estimator) agrees with
/// <see cref="RoiOracle"/>, the definitions of docs/metrics.md in plain C#, on generated organisations with and without
/// a known effect: the same adopters, adoption months, control counts and control teams, and each adopter's effect,
/// pre-trend and the mean estimate to 1e-9 on the estimator's scale.
/// </summary>
public sealed class RoiOracleAgreementTests
{
    [Theory]
    [InlineData(11, true)]
    [InlineData(12, false)]
    [InlineData(13, true)]
    public async Task The_engine_and_the_oracle_agree_on_every_key(int seed, bool effect)
    {
        var organisation = new KnownEffectOrganisation(seed, effect ? GoldenPathEffect.Typical : GoldenPathEffect.None);
        var result = await RoiCoverageStudy.RoiAsync(EmbeddedEngine.DataPath, organisation, resamples: 100);
        var oracle = new RoiOracle(
                organisation.Services.Select(s => new RoiOracleService(s.Service, s.Team, s.GoldenFrom)).ToList(),
                organisation.Deployments.Select(d => new RoiOracleDeployment(d.Service, d.Finished, d.Commits, d.Incident)).ToList())
            .Estimate(organisation.Start, organisation.End, organisation.RoiMonths);

        Assert.True(result.Dora.Single(e => e.Key == RoiKey.DeploymentsPerMonth).Adopters >= 3, "the organisation should have adopters to compare");
        foreach (var expected in oracle)
        {
            var key = Enum.Parse<RoiKey>(expected.Key);
            var actual = result.Dora.Single(e => e.Key == key);
            Assert.Equal((expected.Adopters, expected.ControlTeams), (actual.Adopters, actual.ControlTeams));
            Assert.Equal(expected.Teams.Select(t => (t.Team, t.AdoptionMonth, t.Controls)), actual.Teams.Select(t => (t.Team, t.AdoptionMonth, t.Controls)));
            foreach (var (want, got) in expected.Teams.Zip(actual.Teams))
            {
                AssertClose(want.Effect, got.Effect, $"{key} {want.Team} effect");
                AssertClose(want.PreTrend, got.PreTrend, $"{key} {want.Team} pre-trend");
            }
            AssertClose(expected.Estimate, Scaled(key, actual.Estimate), $"{key} estimate");
            AssertClose(expected.PreTrend, Scaled(key, actual.PreTrend), $"{key} pre-trend");
        }
    }

    private static double? Scaled(RoiKey key, double? reported) => reported is { } r && StackedDifferenceInDifferences.Relative(key) ? Math.Log(1 + r) : reported;

    private static void AssertClose(double? expected, double? actual, string what)
    {
        Assert.True(expected is null == actual is null, $"{what}: expected {expected}, got {actual}");
        if (expected is { } e)
        {
            Assert.True(Math.Abs(e - actual!.Value) <= 1e-9 * Math.Max(1, Math.Abs(e)), $"{what}: expected {e}, got {actual}");
        }
    }
}
