using Analytics.Core.Calendar;
using Analytics.Ingestors.Demo;

namespace Analytics.Storage.Tests.Metrics;

/// <summary>
/// Property: for generated organisations, the organisation's series alone (dora/series.sql with organisation_only, what
/// the organisation's pages and key cards read) equals the organisation's points of the full series — every field of
/// every bucket, exactly — for every granularity, both lead-time units, author or committer time and every breakdown, and
/// holds no other row.
/// </summary>
public sealed class DoraSeriesOrganisationOnlyTests
{
    private static readonly DateTimeOffset End = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    public static TheoryData<int, string, bool> Seeds => new()
    {
        { 21, "UTC", false }, { 22, "Europe/Berlin", true },
    };

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task The_organisation_alone_equals_its_rows_of_the_full_series(int seed, string timeZone, bool useAuthorTime)
    {
        await using var organisation = await GeneratedOrganisation.LoadAsync("series_organisation", DemoScale.Tiny, seed, End);
        var queries = new DoraQueries(organisation.Store, new SqlFiles(), Options.Create(new MetricOptions { TimeZone = timeZone, UseAuthorTime = useAuthorTime }),
            new ManualClock(End.AddDays(-4)));
        var window = (From: End.AddDays(-75).AddHours(-3), To: End.AddHours(-7));
        foreach (var unit in new[] { LeadTimeUnit.Commit, LeadTimeUnit.PullRequest })
        {
            foreach (var by in new[] { DoraBreakdown.Team, DoraBreakdown.Service, DoraBreakdown.Repository })
            {
                foreach (var granularity in new[] { Granularity.Month, Granularity.Week, Granularity.Day })
                {
                    var request = new DoraRequest(window.From, window.To) { LeadTimeUnit = unit, By = by };
                    var full = await queries.SeriesAsync(request, granularity);
                    var alone = await queries.SeriesAsync(request, granularity, organisationOnly: true);
                    var context = $"seed {seed}, {timeZone}, per {unit}, by {by.Name()}, {granularity}";
                    var want = full.Where(point => point.Team == DoraQueries.OrganisationKey).ToList();
                    // Agreement over an empty organisation would prove nothing; other rows show the full series split it.
                    Assert.True(want.Sum(point => point.Deployments) > 0 && want.Sum(point => point.Changes) > 0 && want.Sum(point => point.IncidentsResolved) > 0,
                        $"{context}: the window holds no deployments, changes or resolved incidents to compare");
                    Assert.True(full.Any(point => point.Team != DoraQueries.OrganisationKey), $"{context}: the full series has no other row");
                    Assert.True(want.SequenceEqual(alone), $"{context}: organisation alone [{string.Join("; ", alone)}], full series [{string.Join("; ", want)}]");
                }
            }
        }
    }

    [Fact]
    public async Task A_team_or_unit_filter_is_refused()
    {
        await using var store = await Tests.ClickHouse.EmbeddedEngine.NewMigratedDatabaseAsync("series_organisation_args");
        var queries = new DoraQueries(store, new SqlFiles(), Options.Create(new MetricOptions()));

        await Assert.ThrowsAsync<ArgumentException>(() => queries.SeriesAsync(new DoraRequest(End.AddDays(-7), End, "team"), Granularity.Week, organisationOnly: true));
        await Assert.ThrowsAsync<ArgumentException>(() => queries.SeriesAsync(new DoraRequest(End.AddDays(-7), End) { Unit = "svc" }, Granularity.Week, organisationOnly: true));
    }
}
