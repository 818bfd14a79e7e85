using Analytics.Ingestors.Demo;

namespace Analytics.Storage.Tests.Metrics;

/// <summary>
/// Property: for generated organisations and random, overlapping windows, the one-query window keys
/// (dora/window_keys.sql) equal the single-window summaries (the dora/*.sql files) of each window for every team —
/// counts and the failure rate exactly, medians to the millisecond — lead time per commit or per pull request alike.
/// </summary>
public sealed class DoraWindowKeysTests
{
    private static readonly DateTimeOffset End = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    public static TheoryData<int, bool, string> SeedsAndLeadTimeStarts => new()
    {
        { 11, false, LeadTimeUnit.Commit }, { 12, true, LeadTimeUnit.Commit }, { 13, false, LeadTimeUnit.PullRequest }, { 14, true, LeadTimeUnit.PullRequest },
    };

    [Theory]
    [MemberData(nameof(SeedsAndLeadTimeStarts))]
    public async Task Every_window_equals_the_summaries_over_that_window(int seed, bool useAuthorTime, string leadTimeUnit)
    {
        await using var organisation = await GeneratedOrganisation.LoadAsync("window_keys", DemoScale.Tiny, seed, End);
        var queries = new DoraQueries(organisation.Store, new SqlFiles(), Options.Create(new MetricOptions { UseAuthorTime = useAuthorTime }));
        var windows = RandomWindows(new Random(seed));

        var keys = await queries.WindowKeysAsync(windows, leadTimeUnit);

        Assert.Equal(windows.Count, keys.Count);
        for (var i = 0; i < windows.Count; i++)
        {
            var (from, to) = windows[i];
            var summaries = (await queries.SummariesAsync(new DoraRequest(from, to) { LeadTimeUnit = leadTimeUnit })).Teams.ToDictionary(s => s.Team);
            foreach (var team in summaries.Keys.Union(keys[i].Keys))
            {
                var want = summaries.TryGetValue(team, out var summary) ? Keys(summary) : Empty;
                var got = keys[i].GetValueOrDefault(team, Empty);
                AssertSame(want, got, $"seed {seed}, author time {useAuthorTime}, per {leadTimeUnit}, team '{team}', window {i + 1} {from:O}..{to:O}");
            }
        }
        // Agreement over empty windows would prove nothing; the nested pair shows an event counting in two windows.
        var all = keys.SelectMany(window => window.Values).ToList();
        Assert.True(all.Sum(k => k.Deployments) > 0 && all.Sum(k => k.Changes) > 0 && all.Sum(k => k.Resolved) > 0,
            $"seed {seed}: the windows hold no deployments, changes or resolved incidents to compare");
        Assert.True(keys[^1].Values.Sum(k => k.Deployments) > 0, $"seed {seed}: the nested window {windows[^1]} has no deployments");
    }

    [Fact]
    public async Task No_windows_need_no_query_and_an_empty_window_is_refused()
    {
        await using var store = await Tests.ClickHouse.EmbeddedEngine.NewMigratedDatabaseAsync("window_keys_args");
        var queries = new DoraQueries(store, new SqlFiles(), Options.Create(new MetricOptions()));

        Assert.Empty(await queries.WindowKeysAsync([]));
        await Assert.ThrowsAsync<ArgumentException>(() => queries.WindowKeysAsync([(End, End)]));
    }

    /// <summary>
    /// Over the three months of generated data: six random windows (millisecond instants, 1 to 45 days long), whole months
    /// as the ROI asks (the third overlapping the other two), and last 10 days inside the second month.
    /// </summary>
    private static List<(DateTimeOffset From, DateTimeOffset To)> RandomWindows(Random random)
    {
        DateTimeOffset Instant(DateTimeOffset earliest, TimeSpan range) =>
            earliest.AddMilliseconds(Math.Floor(random.NextDouble() * range.TotalMilliseconds));
        var windows = new List<(DateTimeOffset From, DateTimeOffset To)>();
        for (var i = 0; i < 6; i++)
        {
            var from = Instant(End.AddDays(-100), TimeSpan.FromDays(60));
            windows.Add((from, Instant(from.AddDays(1), TimeSpan.FromDays(44))));
        }
        var month = End.AddMonths(-3);
        windows.Add((month, month.AddMonths(1)));
        windows.Add((month.AddMonths(1), month.AddMonths(3)));
        windows.Add((month, month.AddMonths(2)));
        var inner = Instant(month.AddMonths(1), TimeSpan.FromDays(15));
        windows.Add((inner, inner.AddDays(10)));
        return windows;
    }

    private static readonly DoraWindowKeys Empty = new(0, 0, null, 0, null, 0, null);

    private static DoraWindowKeys Keys(DoraSummary summary) => new(
        summary.DeploymentFrequency.Deployments, summary.ChangeFailureRate.FailedDeployments, summary.ChangeFailureRate.Rate,
        summary.LeadTime.Changes, summary.LeadTime.Median, summary.RecoveryTime.Resolved, summary.RecoveryTime.Median);

    private static void AssertSame(DoraWindowKeys want, DoraWindowKeys got, string context)
    {
        Assert.True((want.Deployments, want.FailedDeployments, want.Changes, want.Resolved) == (got.Deployments, got.FailedDeployments, got.Changes, got.Resolved),
            $"{context}: (deployments, failed, changes, resolved) {(got.Deployments, got.FailedDeployments, got.Changes, got.Resolved)}, summaries {(want.Deployments, want.FailedDeployments, want.Changes, want.Resolved)}");
        Assert.True(want.ChangeFailureRate == got.ChangeFailureRate, $"{context}: change failure rate {got.ChangeFailureRate}, summaries {want.ChangeFailureRate}");
        DoraOracleAgreementTests.AssertMilliseconds(want.LeadTimeMedian, got.LeadTimeMedian, $"{context}: lead time median (window keys vs summaries)");
        DoraOracleAgreementTests.AssertMilliseconds(want.RecoveryMedian, got.RecoveryMedian, $"{context}: recovery median (window keys vs summaries)");
    }
}
