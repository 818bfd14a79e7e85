using Analytics.Ingestors.Demo;

namespace Analytics.Storage.Tests.Metrics;

/// <summary>
/// PR cycle time by week in one query (pr/cycle_time.sql, weekly = 1) gives, week by week, what the query over each
/// week alone gives (the per-week loop the team page ran before): every team's and the organisation's figures.
/// </summary>
public sealed class WeeklyCycleTimeTests
{
    private static readonly DateTimeOffset End = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero); // a Monday

    [Theory]
    [InlineData(null)]
    [InlineData("first-team")]
    public async Task One_query_for_all_weeks_equals_one_query_a_week(string? teamChoice)
    {
        await using var organisation = await GeneratedOrganisation.LoadAsync("weekly_cycle", DemoScale.Tiny, 1, End);
        var pullRequests = new PullRequestQueries(organisation.Store, new SqlFiles(), Options.Create(new MetricOptions()));
        var from = End.AddDays(-7 * 13);
        var team = teamChoice is null ? null
            : (await pullRequests.CycleTimeAsync(new DoraRequest(from, End))).Keys.Where(key => key != "").Order().First();
        var weekly = await pullRequests.WeeklyCycleTimeAsync(new DoraRequest(from, End, team));
        var weeksWithMerges = 0;
        for (var start = from; start < End; start = start.AddDays(7))
        {
            var alone = await pullRequests.CycleTimeAsync(new DoraRequest(start, start.AddDays(7), team));
            var batched = weekly.GetValueOrDefault(DateOnly.FromDateTime(start.UtcDateTime)) ?? new Dictionary<string, PullRequestCycleTime>();
            Assert.Equal(alone.Keys.Order(), batched.Keys.Order());
            foreach (var (key, want) in alone)
            {
                Assert.Equal(want, batched[key]);
            }
            weeksWithMerges += alone.Count > 0 ? 1 : 0;
        }
        Assert.True(weeksWithMerges >= 8, $"only {weeksWithMerges} of 13 weeks have merged pull requests, so the comparison proves little");
        Assert.All(weekly.Keys, week => Assert.True(week.DayOfWeek == DayOfWeek.Monday && week >= DateOnly.FromDateTime(from.UtcDateTime) && week < DateOnly.FromDateTime(End.UtcDateTime)));
    }
}
