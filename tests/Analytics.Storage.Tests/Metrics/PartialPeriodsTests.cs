using Analytics.Core.Calendar;

namespace Analytics.Storage.Tests.Metrics;

/// <summary>
/// Partial periods (docs/metrics.md, "Partial periods") through the real SQL on the embedded engine, with the app's clock
/// fixed: a series bucket cut by the window or not over at "now" is flagged, whole ones are not; the weekly median counts
/// whole weeks only, the current one by the app's clock, and is "no sample" when the window holds no whole week.
/// </summary>
public sealed class PartialPeriodsTests : IAsyncLifetime
{
    // Deployment days: Mon 6, Tue 7, Mon 20, Tue 21 January 2025 and Wed 5 February 2025 (UTC).
    private static readonly DateOnly[] Days = [new(2025, 1, 6), new(2025, 1, 7), new(2025, 1, 20), new(2025, 1, 21), new(2025, 2, 5)];

    private IClickHouseStore _store = default!;

    public async Task InitializeAsync()
    {
        _store = await EmbeddedEngine.NewMigratedDatabaseAsync("partial");
        await _store.ExecuteAsync("INSERT INTO catalog_production_environments (source, pattern) VALUES ('', 'production')");
        await _store.ExecuteAsync(
            "INSERT INTO deployments (deployment_id, service, environment, status, kind, related_deployment_id, repository, sha, started_at, finished_at, url, source) VALUES "
            + string.Join(", ", Days.Select((day, i) =>
                $"('p{i}', 'api', 'production', 'success', 'normal', '', 'acme/api', 's{i}', '{day:yyyy-MM-dd} 10:00:00', '{day:yyyy-MM-dd} 10:05:00', '', 't')")));
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    private DoraQueries Queries(DateTimeOffset now, string timeZone = "UTC") =>
        new(_store, new SqlFiles(), Options.Create(new MetricOptions { TimeZone = timeZone }), new ManualClock(now));

    private static DateTimeOffset Utc(int year, int month, int day, int hour = 0) => new(year, month, day, hour, 0, 0, TimeSpan.Zero);

    private static IReadOnlyList<(DateOnly Bucket, bool Partial)> Organisation(IReadOnlyList<DoraSeriesPoint> series) =>
        series.Where(point => point.Team == DoraQueries.OrganisationKey).Select(point => (point.Bucket, point.Partial)).ToList();

    [Fact]
    public async Task Weeks_cut_by_the_window_or_not_over_at_now_are_partial_and_whole_weeks_are_not()
    {
        // Window Tuesday 7 January to Monday 3 February, now Wednesday 29 January noon: the week of 6 January is cut
        // by the start, that of 27 January is not over; 13 and 20 January are whole.
        var series = await Queries(Utc(2025, 1, 29, 12)).SeriesAsync(new DoraRequest(Utc(2025, 1, 7), Utc(2025, 2, 3)), Granularity.Week);

        Assert.Equal(
            [(new DateOnly(2025, 1, 6), true), (new DateOnly(2025, 1, 13), false), (new DateOnly(2025, 1, 20), false), (new DateOnly(2025, 1, 27), true)],
            Organisation(series));
        // The flag changes no figure: the cut week still counts its deployment on Tuesday 7 January.
        Assert.Equal([1L, 0, 2, 0], series.Where(point => point.Team == "").Select(point => point.Deployments));
        // Each week's days in the period (Tue–Sun; whole; whole; Mon–Wed, Wednesday begun): a chart leaves out the one
        // with under half of its seven (docs/dashboards.md, "Partial buckets on charts").
        var organisation = series.Where(point => point.Team == "").ToList();
        Assert.Equal([6, 7, 7, 3], organisation.Select(point => point.DaysInPeriod));
        Assert.All(organisation, point => Assert.Equal(7, point.Days));
        Assert.Equal([true, true, true, false], organisation.Select(point => point.Drawn));
    }

    [Fact]
    public async Task Months_cut_by_the_window_start_or_end_are_partial_and_whole_months_are_not()
    {
        // 15 November 2024 to 10 February 2025, now long after: November and February are cut, December and January whole.
        var series = await Queries(Utc(2026, 1, 1)).SeriesAsync(new DoraRequest(Utc(2024, 11, 15), Utc(2025, 2, 10)), Granularity.Month);

        Assert.Equal(
            [(new DateOnly(2024, 11, 1), true), (new DateOnly(2024, 12, 1), false), (new DateOnly(2025, 1, 1), false), (new DateOnly(2025, 2, 1), true)],
            Organisation(series));
    }

    [Fact]
    public async Task The_current_month_is_partial_until_it_ends_even_inside_the_window()
    {
        // The window is whole months (December to March), but now is 5 February: February has not ended, March not begun.
        var series = await Queries(Utc(2025, 2, 5, 12)).SeriesAsync(new DoraRequest(Utc(2024, 12, 1), Utc(2025, 4, 1)), Granularity.Month);

        Assert.Equal(
            [(new DateOnly(2024, 12, 1), false), (new DateOnly(2025, 1, 1), false), (new DateOnly(2025, 2, 1), true), (new DateOnly(2025, 3, 1), true)],
            Organisation(series));
    }

    [Fact]
    public async Task Buckets_are_cut_in_the_organisations_time_zone()
    {
        // In Berlin a window from Monday 6 January 00:00 UTC starts at 01:00 local: that week is partial there, not in UTC.
        var request = new DoraRequest(Utc(2025, 1, 6), Utc(2025, 1, 20));
        var utc = await Queries(Utc(2026, 1, 1)).SeriesAsync(request, Granularity.Week);
        var berlin = await Queries(Utc(2026, 1, 1), "Europe/Berlin").SeriesAsync(request, Granularity.Week);

        Assert.Equal([(new DateOnly(2025, 1, 6), false), (new DateOnly(2025, 1, 13), false)], Organisation(utc));
        // Berlin's window ends at 01:00 local on Monday 20 January, so that week is there too, cut.
        Assert.Equal([(new DateOnly(2025, 1, 6), true), (new DateOnly(2025, 1, 13), false), (new DateOnly(2025, 1, 20), true)], Organisation(berlin));
    }

    [Fact]
    public async Task A_window_with_no_whole_week_has_no_weekly_median_not_zero()
    {
        // Seven days from Wednesday 1 to Wednesday 8 January cut two weeks and hold none whole. Deployments: 6 and 7 January.
        var result = await Queries(Utc(2026, 1, 1)).SummariesAsync(new DoraRequest(Utc(2025, 1, 1), Utc(2025, 1, 8)));

        Assert.Equal(2, result.Organisation.DeploymentFrequency.Deployments);
        Assert.Null(result.Organisation.DeploymentFrequency.MedianDeploymentDaysPerWeek);
        // The tier still comes from the deployments a month: 2 in 7 days is more than one a month (Medium in 2023).
        Assert.NotNull(result.Organisation.DeploymentFrequency.Tier);
        // With a whole week in the window the median is a number again (the week of 6 January: 2 days).
        var week = await Queries(Utc(2026, 1, 1)).SummariesAsync(new DoraRequest(Utc(2025, 1, 6), Utc(2025, 1, 13)));
        Assert.Equal(2, week.Organisation.DeploymentFrequency.MedianDeploymentDaysPerWeek);
    }

    [Fact]
    public async Task The_current_week_is_told_by_the_apps_clock()
    {
        // Window 6 January to 3 February, now Wednesday 29 January: the week of 27 January is not over, so whole weeks
        // [2, 0, 2] → median 2. By the engine's own clock (2026 and later) every week was over: [2, 0, 2, 0] → 1.
        var result = await Queries(Utc(2025, 1, 29, 12)).SummariesAsync(new DoraRequest(Utc(2025, 1, 6), Utc(2025, 2, 3)));

        Assert.Equal(2, result.Organisation.DeploymentFrequency.MedianDeploymentDaysPerWeek);
    }
}
