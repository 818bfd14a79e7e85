using System.Globalization;
using Analytics.Core.Calendar;
using Analytics.Web.Components.Shared;
using Analytics.Web.Dashboards;
using Analytics.Web.Utils;
using Bunit;
using static Analytics.Web.Tests.Components.AppComponents;

namespace Analytics.Web.Tests.Components;

/// <summary>
/// Partial buckets on a series chart (docs/dashboards.md, "Partial buckets on charts"): one with under half its days in
/// the period is not drawn and the note under the chart names it with its days; a longer one is drawn with "*"; the
/// chart's table lists every bucket with its days. The points are the series' of a window starting on a Friday.
/// </summary>
public sealed class PartialBucketChartTests : IAsyncDisposable
{
    private readonly BunitContext _context = NewChartContext();

    public PartialBucketChartTests() => _context.RenderPrerendered();

    public ValueTask DisposeAsync() => _context.DisposeAsync();

    private static readonly MonthGrid Utc = new("UTC");

    private static readonly DateTimeOffset Now = new(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset Start(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>
    /// The weekly series of [from, to) as DoraQueries.SeriesAsync flags it: every week from the one holding
    /// <paramref name="from"/>, each with one failed deployment in three (so a drawn bucket's value is 33.33).
    /// </summary>
    private static List<DoraSeriesPoint> Weeks(DateOnly from, DateOnly to)
    {
        var points = new List<DoraSeriesPoint>();
        for (var week = from.AddDays(-(((int)from.DayOfWeek + 6) % 7)); week < to; week = week.AddDays(7))
        {
            points.Add(new DoraSeriesPoint(week, "", 3, 1, 3, TimeSpan.FromHours(20), 0, null)
            {
                Partial = PartialBuckets.IsPartial(week, Granularity.Week, Start(from), Start(to), Now, Utc),
                DaysInPeriod = PartialBuckets.DaysInside(week, Granularity.Week, Start(from), Start(to), Now, Utc),
                Days = PartialBuckets.Days(week, Granularity.Week),
            });
        }
        return points;
    }

    /// <summary>The change failure rate of the weeks of [from, to) as a series panel draws it (prerendered, 1200 px wide).</summary>
    private IRenderedComponent<SeriesPanel> Render(DateOnly from, DateOnly to, string chart = "line") =>
        _context.Render<SeriesPanel>(parameters => parameters
            .Add(p => p.Panel, new PanelDefinition("cfr", "Change failure rate (%)", PanelKinds.DoraSeries, "change_failure_rate", Granularity.Week, chart, null))
            .Add(p => p.Points, Weeks(from, to)));

    private static List<string> AxisLabels(IRenderedComponent<SeriesPanel> page) =>
        [.. page.FindAll("[data-testid=cfr-chart] .rz-category-axis .rz-tick-text").Select(text => text.TextContent.Trim())];

    [Theory]
    [InlineData("line")]
    [InlineData("column")]
    public void A_period_starting_on_a_friday_leaves_out_its_3_day_first_week_and_draws_its_4_day_last_week_with_a_star(string chart)
    {
        // Friday 2026-09-04 to Friday 2026-10-09 (exclusive): the week of 08-31 holds Fri–Sun (3 of 7 days), the week
        // of 10-05 Mon–Thu (4 of 7); the four weeks between are whole.
        var (from, to) = (new DateOnly(2026, 9, 4), new DateOnly(2026, 10, 9));
        Assert.Equal([3, 7, 7, 7, 7, 4], Weeks(from, to).Select(point => point.DaysInPeriod));

        var page = Render(from, to, chart);

        // The short week is no category of the chart: no label, no mark; the 4-day week is drawn, its label ending in "*".
        Assert.Equal(["2026-09-07", "2026-09-14", "2026-09-21", "2026-09-28", "2026-10-05*"], AxisLabels(page));
        var marks = chart == "column" ? page.FindAll("[data-testid=cfr-chart] g.rz-column-series path") : page.FindAll("[data-testid=cfr-chart] g.rz-line-series g.rz-marker");
        Assert.Equal(5, marks.Count);
        // The note under the chart names the week left out, its days and why; the "*" caption explains the drawn partial week.
        Assert.Equal($"Not drawn: week of 2026-08-31 (3 of 7 days in the period) — {Figures.NotDrawnReason}.",
            OverviewText.Normalise(page.Find("[data-testid=cfr-not-drawn]").TextContent));
        Assert.StartsWith("* partial period", OverviewText.Normalise(page.Find("[data-testid=cfr-partial]").TextContent), StringComparison.Ordinal);
        // The chart's text alternative keeps every week, each with its days: nothing is hidden.
        var rows = page.FindAll("[data-testid=cfr-data] tbody tr").Select(row => string.Join(" | ", row.Children.Select(cell => OverviewText.Normalise(cell.TextContent)))).ToList();
        Assert.Equal(
        [
            "2026-08-31 (partial, not drawn) | 33.33 | 3 of 7",
            "2026-09-07 | 33.33 | 7",
            "2026-09-14 | 33.33 | 7",
            "2026-09-21 | 33.33 | 7",
            "2026-09-28 | 33.33 | 7",
            "2026-10-05 (partial) | 33.33 | 4 of 7",
        ], rows);
        Assert.Equal(["Week", "Change failure rate (%)", "Days in period"], page.FindAll("[data-testid=cfr-data] thead th").Select(th => th.TextContent.Trim()));
    }

    [Fact]
    public void A_period_of_whole_weeks_draws_every_week_and_has_no_note()
    {
        var page = Render(new DateOnly(2026, 9, 7), new DateOnly(2026, 10, 5));

        Assert.Equal(["2026-09-07", "2026-09-14", "2026-09-21", "2026-09-28"], AxisLabels(page));
        Assert.Empty(page.FindAll("[data-testid=cfr-not-drawn]"));
        Assert.Empty(page.FindAll("[data-testid=cfr-partial]"));
    }

    [Fact]
    public void A_current_week_of_two_days_is_left_out_until_it_holds_four()
    {
        // The period ends today, Wednesday 2026-09-30 (exclusive): Monday and Tuesday of this week are in it.
        var page = Render(new DateOnly(2026, 9, 7), new DateOnly(2026, 9, 30));

        Assert.Equal(["2026-09-07", "2026-09-14", "2026-09-21"], AxisLabels(page));
        Assert.Equal($"Not drawn: week of 2026-09-28 (2 of 7 days in the period) — {Figures.NotDrawnReason}.",
            OverviewText.Normalise(page.Find("[data-testid=cfr-not-drawn]").TextContent));
        // Only an undrawn bucket is partial: no "*" on the chart, so no caption explaining it.
        Assert.Empty(page.FindAll("[data-testid=cfr-partial]"));
    }

    [Theory]
    [InlineData(Granularity.Week, "2026-09-04", "2026-09-07", 3, false)]   // Fri–Sun
    [InlineData(Granularity.Week, "2026-09-03", "2026-09-07", 4, true)]    // Thu–Sun
    [InlineData(Granularity.Month, "2026-09-17", "2026-10-01", 14, false)] // 14 of 30
    [InlineData(Granularity.Month, "2026-09-16", "2026-10-01", 15, true)]  // 15 of 30
    [InlineData(Granularity.Month, "2026-01-17", "2026-02-01", 15, false)] // 15 of 31
    [InlineData(Granularity.Day, "2026-09-04", "2026-09-05", 1, true)]
    public void A_bucket_is_drawn_from_half_its_days_on(Granularity granularity, string from, string to, int inside, bool drawn)
    {
        var first = DateOnly.Parse(from, CultureInfo.InvariantCulture);
        var bucket = granularity switch
        {
            Granularity.Week => first.AddDays(-(((int)first.DayOfWeek + 6) % 7)),
            Granularity.Month => new DateOnly(first.Year, first.Month, 1),
            _ => first,
        };

        var days = PartialBuckets.DaysInside(bucket, granularity, Start(first), Start(DateOnly.Parse(to, CultureInfo.InvariantCulture)), Now, Utc);

        Assert.Equal(inside, days);
        Assert.Equal(drawn, PartialBuckets.IsDrawn(days, PartialBuckets.Days(bucket, granularity)));
    }
}
