using Analytics.Core.Calendar;
using Analytics.Web.Queries;
using Microsoft.Extensions.Options;

namespace Analytics.Web.Tests.Components;

/// <summary>
/// The monthly report cuts its months in the organisation's time zone (Analytics:Metrics:TimeZone), like every other
/// figure, never at UTC midnight: over the real demo store, with a zone west of UTC (Los Angeles, UTC−8/−7).
/// </summary>
[Collection(AnalyticsAppCollection.Name)]
public sealed class MonthlyReportTimeZoneTests(AnalyticsAppFixture app)
{
    private const string Zone = "America/Los_Angeles";
    private static readonly MonthGrid LosAngeles = new(Zone);

    private MonthlyReportQueries Reports(TimeProvider clock)
    {
        // The DORA queries in the same zone as the report, as one Analytics:Metrics configures both: the month before is a
        // bucket of the trend's monthly series, cut in the queries' zone.
        var options = Options.Create(new MetricOptions { TimeZone = Zone });
        var services = app.Services;
        var dora = new DoraQueries(services.GetRequiredService<Analytics.Storage.ClickHouse.IClickHouseStore>(), services.GetRequiredService<Analytics.Storage.ClickHouse.SqlFiles>(), options);
        var dashboards = new DashboardQueries(dora, services.GetRequiredService<DoraTierChoice>(), new KeyTrendQueries(dora), services.GetRequiredService<CycleTimeTrendQueries>(),
            services.GetRequiredService<DoraDrillDown>(), services.GetRequiredService<PullRequestQueries>(), services.GetRequiredService<AdoptionQueries>(),
            services.GetRequiredService<SurveyQueries>(), services.GetRequiredService<RoiQueries>(), services.GetRequiredService<SpaceQueries>(),
            services.GetRequiredService<Analytics.Storage.Catalog.CatalogNotes>());
        return new(dashboards, dora, services.GetRequiredService<Analytics.Storage.Catalog.CatalogNotes>(), clock, options);
    }

    [Fact]
    public async Task A_months_figures_run_from_local_midnight_of_its_first_day_to_local_midnight_of_the_next_months()
    {
        // Two months back: whole in every zone, and the demo history covers it and the month before.
        var month = LosAngeles.MonthOf(DateTimeOffset.UtcNow).AddMonths(-2);
        var (from, to) = (LosAngeles.Start(month), LosAngeles.Start(month.AddMonths(1)));
        Assert.NotEqual(TimeSpan.Zero, from.UtcDateTime.TimeOfDay);

        var report = await Reports(TimeProvider.System).LoadAsync(month, DoraTierTables.Get(2023));

        Assert.Equal((from, to), (report.Figures.Request.From, report.Figures.Request.To));
        var dora = app.Services.GetRequiredService<DoraQueries>();
        var expected = (await dora.SummariesAsync(new DoraRequest(from, to))).Organisation;
        var previous = (await dora.SummariesAsync(new DoraRequest(LosAngeles.Start(month.AddMonths(-1)), from))).Organisation;
        Assert.Equal((expected.DeploymentFrequency.Deployments, expected.LeadTime.Changes, expected.LeadTime.Median, expected.RecoveryTime.Resolved),
            (report.Organisation.DeploymentFrequency.Deployments, report.Organisation.LeadTime.Changes, report.Organisation.LeadTime.Median, report.Organisation.RecoveryTime.Resolved));
        Assert.Equal(KeyValues.Of(previous), report.Previous);
        Assert.Equal(LosAngeles.Start(month.AddMonths(-11)), report.Trend.Request.From);
        Assert.False(report.Partial);
    }

    [Fact]
    public void The_default_month_is_the_last_whole_month_of_the_organisations_calendar()
    {
        // 1 December 03:00 UTC is still 30 November in Los Angeles: November is not over there, October is the last whole month.
        var clock = new StoppedClock(new DateTimeOffset(2026, 12, 1, 3, 0, 0, TimeSpan.Zero));

        Assert.Equal(new DateOnly(2026, 10, 1), Reports(clock).MonthOf(null));
        Assert.Equal(new DateOnly(2026, 11, 1), MonthlyReport.MonthOf(null, clock, new MonthGrid("UTC")));
        Assert.Equal(new DateOnly(2026, 11, 1), Reports(clock).MonthOf("2026-11"));
    }

    [Fact]
    public async Task The_current_month_is_partial_until_local_midnight_ends_it()
    {
        // 1 December 03:00 UTC: November is over in UTC but not in Los Angeles.
        var clock = new StoppedClock(new DateTimeOffset(2026, 12, 1, 3, 0, 0, TimeSpan.Zero));

        var report = await Reports(clock).LoadAsync(new DateOnly(2026, 11, 1), DoraTierTables.Get(2023));

        Assert.True(report.Partial);
    }

    private sealed class StoppedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
