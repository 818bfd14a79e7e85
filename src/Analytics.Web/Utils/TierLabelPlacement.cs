namespace Analytics.Web.Utils;

/// <summary>
/// Where a chart's tier line carries its label ("Elite: under 24.0 h") so that it does not print over the data: at the
/// line's left or right end, just above or just below it. The label covers the buckets nearest that end (about 130 px
/// of a chart about 1,200 px wide) and a band about an eighth of the plotted range high; the first place, in the order
/// left above, left below, right above, right below, where no charted value falls in that box is taken, else the one
/// with the fewest. A bar covers everything under its value; a line's point (with its marker) only its own height.
/// </summary>
public static class TierLabelPlacement
{
    /// <summary>The label's place: at the first bucket (else the last) and above the line (else below).</summary>
    public readonly record struct Place(bool AtStart, bool Above);

    /// <param name="values">The charted values, in bucket order (buckets without a sample left out).</param>
    /// <param name="threshold">The tier line's value.</param>
    /// <param name="top">The highest value plotted (data or drawn tier line): the label's height is a share of it.</param>
    /// <param name="bars">A column chart (a bar covers 0 to its value), else a line.</param>
    public static Place Choose(IReadOnlyList<double> values, double threshold, double top, bool bars)
    {
        Place[] places = [new(true, true), new(true, false), new(false, true), new(false, false)];
        if (values.Count == 0)
        {
            return places[0];
        }
        var height = Math.Max(top, threshold) / 8;
        var near = Math.Clamp((int)Math.Ceiling(values.Count * 130.0 / 1200), 2, values.Count);
        int Covered(Place place)
        {
            var (low, high) = place.Above ? (threshold - height / 4, threshold + height) : (threshold - height, threshold + height / 4);
            var buckets = place.AtStart ? values.Take(near) : values.TakeLast(near);
            return buckets.Count(value => bars ? value > low : value > low && value < high);
        }
        return places.MinBy(Covered);
    }
}
