using Analytics.Core.Calendar;
using Analytics.Storage.ClickHouse;
using Analytics.Web.Queries;
using Microsoft.Extensions.Options;

namespace Analytics.Web.Tests.Components;

/// <summary>
/// The monthly report takes the month before from its trend's monthly series (dora/series.sql) instead of another set
/// of summary queries: for every month of the demo history, in a zone without and one with daylight saving, that
/// bucket of the report's twelve-month series gives the organisation's and every team's keys exactly as
/// <see cref="DoraQueries.SummariesAsync"/> over the month itself does.
/// </summary>
[Collection(AnalyticsAppCollection.Name)]
public sealed class MonthlyPreviousKeysTests(AnalyticsAppFixture app)
{
    [Theory]
    [InlineData("UTC")]
    [InlineData("Europe/Berlin")]
    public async Task The_series_bucket_of_a_month_gives_its_summaries_keys_for_the_organisation_and_every_team(string zone)
    {
        var store = app.Services.GetRequiredService<IClickHouseStore>();
        var queries = new DoraQueries(store, app.Services.GetRequiredService<SqlFiles>(), Options.Create(new MetricOptions { TimeZone = zone }));
        var grid = new MonthGrid(zone);
        var span = (await store.QueryAsync<Span>("SELECT min(finished_at) AS first, max(finished_at) AS last FROM production_deployments")).Single();
        var (withLeadTime, withRecovery, compared) = (0, 0, 0);
        for (var month = grid.MonthOf(span.First).AddMonths(1); month <= grid.MonthOf(span.Last).AddMonths(1); month = month.AddMonths(1))
        {
            // As the report: the twelve months up to the month, and the bucket of the month before.
            var previous = month.AddMonths(-1);
            var series = await queries.SeriesAsync(new DoraRequest(grid.Start(month.AddMonths(-11)), grid.Start(month.AddMonths(1))), Granularity.Month);
            var summaries = await queries.SummariesAsync(new DoraRequest(grid.Start(previous), grid.Start(month)));
            var byTeam = summaries.Teams.Append(summaries.Organisation).ToDictionary(summary => summary.Team);
            foreach (var point in series.Where(point => point.Bucket == previous))
            {
                var fromSeries = KeyValues.Of(point, grid.Start(previous), grid.Start(month));
                // A team with nothing in the month may have no summary row: then it has no sample either.
                var expected = byTeam.TryGetValue(point.Team, out var summary) ? KeyValues.Of(summary) : new KeyValues(0, null, null, null);
                Assert.True(expected == fromSeries, $"{zone}, {previous:yyyy-MM}, team '{point.Team}': series {fromSeries}, summaries {expected}");
                (withLeadTime, withRecovery, compared) = (withLeadTime + (expected.LeadTimeHours is null ? 0 : 1), withRecovery + (expected.RecoveryHours is null ? 0 : 1), compared + 1);
            }
            Assert.Contains(series, point => point.Bucket == previous && point.Team == DoraQueries.OrganisationKey);
        }
        // Enough samples that agreeing proves something.
        Assert.True(compared > 100 && withLeadTime > 50 && withRecovery > 20, $"{compared} compared, {withLeadTime} with a lead time, {withRecovery} with a recovery time");
    }

    private sealed record Span(DateTimeOffset First, DateTimeOffset Last);
}
