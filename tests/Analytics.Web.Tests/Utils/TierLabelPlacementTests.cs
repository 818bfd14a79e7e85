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
    public void Where_every_place_covers_data_the_one_covering_least_is_taken()
    {
        // Bands 5 high (40 / 8), reaching 1.25 past the line: left above covers 31 and 33, left below only 31; right
        // above and below both cover 30.5 and 29.
        Assert.Equal(Place(atStart: true, above: false), TierLabelPlacement.Choose([31, 33, 10, 30.5, 29], threshold: 30, top: 40, bars: false));
    }
}
