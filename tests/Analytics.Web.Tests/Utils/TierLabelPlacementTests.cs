using Analytics.Web.Utils;

namespace Analytics.Web.Tests.Utils;

/// <summary>A chart's tier-line label goes to an end of the line, above or below it, where it covers no charted value.</summary>
public sealed class TierLabelPlacementTests
{
    private static TierLabelPlacement.Place Place(bool atStart, bool above) => new(atStart, above);

    [Fact]
    public void With_no_data_near_the_line_the_label_sits_above_its_left_end()
    {
        Assert.Equal(Place(atStart: true, above: true), TierLabelPlacement.Choose([5, 6, 5, 4], threshold: 30, top: 30, bars: false));
    }

    [Fact]
    public void A_chart_of_one_bucket_has_a_place_for_the_label_too()
    {
        // The team page for one week charts a single bucket: its value above the line sends the label under it.
        Assert.Equal(Place(atStart: true, above: false), TierLabelPlacement.Choose([32], threshold: 30, top: 40, bars: false));
        Assert.Equal(Place(atStart: true, above: true), TierLabelPlacement.Choose([12], threshold: 30, top: 40, bars: true));
    }

    [Fact]
    public void A_line_just_above_the_tier_line_at_the_left_puts_the_label_under_it()
    {
        // Label band 5 high (40 / 8): 32 and 33 lie above the line within it, nothing lies under it.
        Assert.Equal(Place(atStart: true, above: false), TierLabelPlacement.Choose([32, 33, 10, 10, 10], threshold: 30, top: 40, bars: false));
    }

    [Fact]
    public void A_line_crossing_the_tier_line_at_the_left_moves_the_label_to_the_right_end()
    {
        // 29 and 31 straddle 30 on the left; at the right the data is far above (60), so the label goes above the right end.
        Assert.Equal(Place(atStart: false, above: true), TierLabelPlacement.Choose([29, 31, 60, 60], threshold: 30, top: 60, bars: false));
    }

    [Fact]
    public void A_bar_covers_everything_under_its_top_so_tall_bars_at_the_left_send_the_label_right()
    {
        // Bars of 40 cover the line at 30 on both sides of it; those of 10 at the right are under both bands.
        Assert.Equal(Place(atStart: false, above: true), TierLabelPlacement.Choose([40, 40, 10, 10], threshold: 30, top: 40, bars: true));
        // The same values as a line: the points at 40 are above the label's band (28.75 to 35), so the left end is free.
        Assert.Equal(Place(atStart: true, above: true), TierLabelPlacement.Choose([40, 40, 10, 10], threshold: 30, top: 40, bars: false));
    }

    [Fact]
    public void A_line_too_near_the_axis_for_a_label_under_it_is_labelled_above_where_it_covers_least()
    {
        // The line at 1 (band 3 high: 24 / 8) has no room under it; above it, the left end covers 3.5 and 3.3, the right
        // end only 2.8 (12.5 is over the band).
        Assert.Equal(Place(atStart: false, above: true),
            TierLabelPlacement.Choose([3.5, 3.3, 4.1, 3.7, 6.2, 2.7, 2.9, 2.4, 2.3, 1.9, 2.9, 2.8, 12.5], threshold: 1, top: 24, bars: false));
    }

    [Fact]
    public void A_wide_label_covers_more_buckets_and_starts_inside_the_plot()
    {
        // 26 weekly buckets: a 120 px label covers the 3 nearest the end (26 × 132 / 1200), a 280 px one the 7 nearest,
        // which reach the two at 33 just above the line at the left: it goes under the line there.
        double[] values = [10, 10, 10, 10, 10, 33, 33, .. Enumerable.Repeat(10.0, 17), 31, 31];
        Assert.Equal(Place(atStart: true, above: true), TierLabelPlacement.Choose(values, threshold: 30, top: 40, bars: false, labelWidth: 120));
        Assert.Equal(Place(atStart: true, above: false), TierLabelPlacement.Choose(values, threshold: 30, top: 40, bars: false, labelWidth: 280));
        // Its middle is half its width (and a margin) in from the end: the text starts at the left end's point, or ends at the right one's.
        var label = "High: weekly (1+ deployment day a week)";
        Assert.Equal(TierLabelPlacement.Width(label) / 2 + 6, TierLabelPlacement.OffsetX(Place(atStart: true, above: true), label));
        Assert.Equal(-(TierLabelPlacement.Width(label) / 2 + 6), TierLabelPlacement.OffsetX(Place(atStart: false, above: false), label));
        Assert.True(TierLabelPlacement.Width(label) > TierLabelPlacement.Width("Elite: under 24.0 h"));
    }

    [Fact]
    public void Where_every_place_covers_data_the_one_covering_least_is_taken()
    {
        // Bands 5 high (40 / 8), reaching 1.25 past the line: left above covers 31 and 33, left below only 31; right
        // above and below both cover 30.5 and 29.
        Assert.Equal(Place(atStart: true, above: false), TierLabelPlacement.Choose([31, 33, 10, 30.5, 29], threshold: 30, top: 40, bars: false));
    }
}
