using Analytics.Core.Calendar;
using Analytics.Web.Utils;

namespace Analytics.Web.Tests.Utils;

/// <summary>
/// How a key card says where its figure is heading (KeyChange), what a chart's tier lines are (TierThresholds), what
/// a chart point links to (DashboardUrls.TeamBucketUrl) and which dates a page reads from it (Period.FromDates).
/// </summary>
public sealed class KeyTrendTextTests
{
    [Fact]
    public void A_change_is_a_share_of_the_earlier_figure_with_better_or_worse_in_words()
    {
        // 2.5 → 2.8 deployments a day: +12%, more is better.
        Assert.Equal("▲ 12% vs previous 30 days: better", KeyChange.Describe(2.8, 2.5, 75, lowerIsBetter: false, rate: false, days: 30));
        // Lead time 40 h → 30 h: −25%, lower is better.
        Assert.Equal("▼ 25% vs previous 90 days: better", KeyChange.Describe(30, 40, 12, lowerIsBetter: true, rate: false, days: 90));
        Assert.Equal("▲ 50% vs previous 90 days: worse", KeyChange.Describe(60, 40, 12, lowerIsBetter: true, rate: false, days: 90));
        // Under half a percent either way is no change.
        Assert.Equal("no change vs previous 90 days", KeyChange.Describe(100.4, 100, 3, lowerIsBetter: true, rate: false, days: 90));
    }

    [Fact]
    public void A_rate_changes_by_percentage_points_and_an_empty_earlier_period_reads_no_earlier_figure()
    {
        // 8% → 12% is 4 points (not "+50%"), and worse: a change failure rate is better lower.
        Assert.Equal("▲ 4.0 pp vs previous 30 days: worse", KeyChange.Describe(0.12, 0.08, 50, lowerIsBetter: true, rate: true, days: 30));
        Assert.Equal("▼ 2.5 pp vs previous 30 days: better", KeyChange.Describe(0.10, 0.125, 40, lowerIsBetter: true, rate: true, days: 30));
        // n = 0 before: whatever the figure reads (deployments a day 0), there is nothing to compare with.
        Assert.Equal("no earlier figure (previous 30 days)", KeyChange.Describe(1.2, 0, 0, lowerIsBetter: false, rate: false, days: 30));
        Assert.Equal("no earlier figure (previous 30 days)", KeyChange.Describe(0.1, null, 0, lowerIsBetter: true, rate: true, days: 30));
        Assert.Equal("no figure this period to compare vs previous 30 days", KeyChange.Describe(null, 30, 5, lowerIsBetter: true, rate: false, days: 30));
        Assert.Equal("better", KeyChange.Direction("▼ 2.5 pp vs previous 30 days: better"));
        Assert.Null(KeyChange.Direction("no earlier figure (previous 30 days)"));
    }

    [Fact]
    public void A_keys_chart_draws_its_tier_tables_bounds_in_the_charts_unit()
    {
        var t2023 = DoraTierTables.Get(2023);
        Assert.Equal([(24.0, "Elite: under 24.0 h"), (168.0, "High: under 7.0 d"), (720.0, "Medium: under 30.0 d")],
            TierThresholds.For("lead_time_median_hours", Granularity.Week, t2023).Select(t => (t.Value, t.Label)));
        Assert.Equal([5.0, 10.0, 15.0], TierThresholds.For("change_failure_rate", Granularity.Week, t2023).Select(t => Math.Round(t.Value, 9)));
        // 2021: High and Medium share 30%, so they share a line.
        Assert.Equal(["Elite: at most 15.0%", "High/Medium: at most 30.0%"],
            TierThresholds.For("change_failure_rate", Granularity.Month, DoraTierTables.Get(2021)).Select(t => t.Label));
        // Deployments a week: daily = 3 deployment days, weekly = 1, monthly = 12 a year.
        Assert.Equal([12 / 365.25 * 7, 1.0, 3.0], TierThresholds.For("deployments", Granularity.Week, t2023).Select(t => t.Value));
        Assert.Equal(1.0, TierThresholds.For("deployments", Granularity.Month, t2023)[0].Value, 9);
        // A day has no cadence; failed deployments and incidents have no tiers.
        Assert.Empty(TierThresholds.For("deployments", Granularity.Day, t2023));
        Assert.Empty(TierThresholds.For("incidents_resolved", Granularity.Week, t2023));
        // The weekly recovery series is time to restore service: graded by 2021's table even under 2023's.
        Assert.Equal(2021, TierThresholds.YearOf("recovery_median_hours", t2023));
        Assert.Equal([1.0, 24.0, 168.0], TierThresholds.For("recovery_median_hours", Granularity.Week, t2023).Select(t => t.Value));
    }

    [Fact]
    public void A_chart_point_links_to_its_buckets_dates_cut_to_the_window()
    {
        var from = new DateTimeOffset(2026, 9, 3, 0, 0, 0, TimeSpan.Zero);
        var to = new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal("teams/payments?from=2026-09-07&to=2026-09-14",
            DashboardUrls.TeamBucketUrl("payments", new DateOnly(2026, 9, 7), Granularity.Week, from, to));
        // The first and last weeks are cut by the window, as their points count.
        Assert.Equal("teams/payments?from=2026-09-03&to=2026-09-07&tiers=2021",
            DashboardUrls.TeamBucketUrl("payments", new DateOnly(2026, 8, 31), Granularity.Week, from, to, "2021"));
        Assert.Equal("teams/payments?service=pay%20api&from=2026-11-30&to=2026-12-02&leadTimeUnit=pull-request",
            DashboardUrls.TeamBucketUrl("payments", new DateOnly(2026, 11, 30), Granularity.Week, from, to, null, "pull-request", "pay api"));
        Assert.Equal("teams/payments?from=2026-10-01&to=2026-11-01", DashboardUrls.TeamBucketUrl("payments", new DateOnly(2026, 10, 1), Granularity.Month, from, to));

        Assert.Equal(new Period(new DateTimeOffset(2026, 9, 7, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 9, 14, 0, 0, 0, TimeSpan.Zero)),
            Period.FromDates("2026-09-07", "2026-09-14"));
        Assert.Null(Period.FromDates("2026-09-14", "2026-09-07"));
        Assert.Null(Period.FromDates("2026-09-07", null));
        Assert.Null(Period.FromDates("7 Sept", "2026-09-14"));
    }
}
