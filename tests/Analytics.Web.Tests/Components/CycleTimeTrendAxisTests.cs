using Analytics.Web.Components.Shared;
using Analytics.Web.Queries;
using Bunit;
using static Analytics.Web.Tests.Components.AppComponents;

namespace Analytics.Web.Tests.Components;

/// <summary>
/// The PR cycle-time phase charts sit two to a row (half the page), where Radzen rotates the week labels of the category
/// axis; the first label must still be printed whole, not shortened to "2026-09…" for want of room left of its tick (as
/// it was before the value axis made that room, TrendChart.ValueAxisWidth).
/// </summary>
public sealed class CycleTimeTrendAxisTests
{
    private static IReadOnlyList<CycleTimeWeek> Weeks(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new CycleTimeWeek(new DateOnly(2026, 9, 7).AddDays(7 * i), 12, 20 + i, 3.5 + i % 4, 12.25 * (i % 3 + 1), 150 + 10 * i))];

    [Theory]
    [InlineData(680, 13)]   // half of a 1440 px page
    [InlineData(560, 13)]
    [InlineData(460, 13)]   // a phone's width, one chart a row
    [InlineData(680, 26)]
    [InlineData(1200, 52)]  // a year of weeks at full width rotates its labels too
    public async Task Every_week_label_on_a_half_width_chart_is_whole(double width, int weeks)
    {
        var data = Weeks(weeks);
        await using var context = NewChartContext(width);
        context.RenderInteractively();

        var page = context.Render<CycleTimeTrend>(parameters => parameters.Add(p => p.Weeks, data));

        page.WaitForAssertion(() => Assert.Equal(4, page.FindAll(".rz-category-axis").Count), RenderTimeout);
        var expected = data.Select(week => week.Week.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
        foreach (var axis in page.FindAll(".rz-category-axis"))
        {
            var labels = axis.QuerySelectorAll(".rz-tick-text").Select(text => text.TextContent.Trim()).Where(text => text.Length > 0).ToList();
            Assert.NotEmpty(labels);
            // Radzen may skip labels when they crowd (every week is in the table under the chart), but never cut one.
            Assert.All(labels, label => Assert.Contains(label, expected));
            Assert.Equal(expected.Min(), labels[0]);
        }
    }
}
