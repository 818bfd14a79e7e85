namespace Analytics.Web.Utils;

/// <summary>
/// Where a chart's tier line carries its label ("Elite: under 24.0 h") so that it does not print over the data: at the
/// line's left or right end, just above or just below it. The label covers the buckets nearest that end (its width, on
/// a chart about 1,200 px wide) and a band about an eighth of the plotted range high; the first place, in the order
/// left above, left below, right above, right below, where no charted value falls in that box is taken, else the one
/// with the fewest. A bar covers everything under its value; a line's point (with its marker) only its own height. A
/// label under a line too near the axis (0) for it would cover the axis's labels, which counts as covering everything.
/// </summary>
public static class TierLabelPlacement
{
    /// <summary>The width the chart is laid out for, in px (a page at 1440 px wide).</summary>
    private const double ChartWidth = 1200;

    /// <summary>The label's place: at the first bucket (else the last) and above the line (else below).</summary>
    public readonly record struct Place(bool AtStart, bool Above);

    /// <summary>About how wide a label is drawn, in px (the chart's 12–13 px text: 7 px a character at most).</summary>
    public static double Width(string label) => label.Length * 7.0;

    /// <summary>How far from its end's point the label's middle goes, so that it starts (or ends) just inside the plot.</summary>
    public static double OffsetX(Place place, string label) => (place.AtStart ? 1 : -1) * (Width(label) / 2 + 6);

    /// <param name="values">The charted values, in bucket order (buckets without a sample left out).</param>
    /// <param name="threshold">The tier line's value.</param>
    /// <param name="top">The highest value plotted (data or drawn tier line): the label's height is a share of it.</param>
    /// <param name="bars">A column chart (a bar covers 0 to its value), else a line.</param>
    /// <param name="labelWidth">The label's width in px (<see cref="Width"/>): how many buckets from the end it covers.</param>
    public static Place Choose(IReadOnlyList<double> values, double threshold, double top, bool bars, double labelWidth = 120)
    {
        Place[] places = [new(true, true), new(true, false), new(false, true), new(false, false)];
        if (values.Count == 0)
        {
            return places[0];
        }
        var height = Math.Max(top, threshold) / 8;
        // At least the two buckets nearest the end, and never more than there are (a chart of one week has one).
        var near = Math.Min(values.Count, Math.Max(2, (int)Math.Ceiling(values.Count * (labelWidth + 12) / ChartWidth)));
        int Covered(Place place)
        {
            if (!place.Above && threshold - height < 0)
            {
                // Under a line this near the axis the label would print over the axis's labels: taken only if all else is worse.
                return values.Count + 1;
            }
            var (low, high) = place.Above ? (threshold - height / 4, threshold + height) : (threshold - height, threshold + height / 4);
            var buckets = place.AtStart ? values.Take(near) : values.TakeLast(near);
            return buckets.Count(value => bars ? value > low : value > low && value < high);
        }
        return places.MinBy(Covered);
    }
}
