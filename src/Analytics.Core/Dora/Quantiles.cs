namespace Analytics.Core.Dora;

public static class Quantiles
{
    /// <summary>
    /// The q-quantile with linear interpolation between the nearest ranks (PERCENTILE_CONT, numpy's default,
    /// ClickHouse's quantileExactInclusive). Null for an empty sample.
    /// </summary>
    public static double? Interpolated(IEnumerable<double> values, double q)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return null;
        }
        var position = q * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + (position - lower) * (sorted[upper] - sorted[lower]);
    }
}
