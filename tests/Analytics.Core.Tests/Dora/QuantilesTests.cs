namespace Analytics.Core.Tests.Dora;

public sealed class QuantilesTests
{
    [Theory]
    // Expected values are numpy.percentile(values, q * 100) (linear interpolation, numpy's default).
    [InlineData(new[] { 1.0, 2, 3, 4 }, 0.5, 2.5)]          // even count: mean of the two middle values, not the lower one
    [InlineData(new[] { 3600.0, 7500, 14400 }, 0.75, 10950)]
    [InlineData(new[] { 3600.0, 7500, 14400 }, 0.9, 13020)]
    [InlineData(new[] { 5.0 }, 0.9, 5)]
    [InlineData(new[] { 10.0, 1, 7, 3 }, 0.5, 5)]          // unsorted input
    [InlineData(new[] { 0.0, 10 }, 0.1, 1)]
    public void Interpolates_linearly_between_the_nearest_ranks(double[] values, double q, double expected) =>
        Assert.Equal(expected, Quantiles.Interpolated(values, q)!.Value, 9);

    [Fact]
    public void An_empty_sample_has_no_quantile() => Assert.Null(Quantiles.Interpolated([], 0.5));
}
