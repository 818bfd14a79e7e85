using Analytics.Core.Calendar;
using Analytics.Ingestors.Demo;

namespace Analytics.Storage.Tests.Metrics;

/// <summary>
/// Property: for generated organisations (several seeds), every DORA figure of every team and period computed by
/// the ClickHouse SQL equals the plain C# oracle — counts exactly, durations to the millisecond — over the
/// same stored rows, in several time zones.
/// </summary>
public sealed class DoraOracleAgreementTests
{
    private static readonly DateTimeOffset End = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    public static TheoryData<int, string> SeedsAndTimeZones => new()
    {
        { 1, "UTC" }, { 2, "America/New_York" }, { 3, "Asia/Kolkata" }, { 4, "UTC" }, { 5, "Europe/Berlin" },
    };

    [Theory]
    [MemberData(nameof(SeedsAndTimeZones))]
    public async Task Sql_equals_the_oracle_for_every_team_and_period(int seed, string timeZone)
    {
        await using var organisation = await GeneratedOrganisation.LoadAsync("oracle", DemoScale.Tiny, seed, End);
        var store = organisation.Store;
        var history = await organisation.ReadDoraHistoryAsync();
        var options = new MetricOptions { TimeZone = timeZone };
        var queries = new DoraQueries(store, new SqlFiles(), Options.Create(options));
        var oracle = new DoraOracle(history, options);

        DateTimeOffset[][] periods =
        [
            [End.AddDays(-30), End],
            [End.AddDays(-90), End],
            [End.AddMonths(-2).AddHours(-5), End.AddMonths(-1).AddHours(7)],
            [End.AddYears(-1), End],
        ];
        foreach (var period in periods)
        {
            var sql = await queries.SummariesAsync(new DoraRequest(period[0], period[1]));
            var expected = oracle.Summaries(period[0], period[1]);
            var actual = sql.Teams.Append(sql.Organisation).ToDictionary(s => s.Team);
            Assert.True(expected[""].DeploymentFrequency.Deployments > 0, $"seed {seed}: the period {period[0]:O} has no deployments, so it proves little");
            Assert.True(expected[""].RecoveryTime.Restored > 0, $"seed {seed}: the period {period[0]:O} has no restored deployment, so it proves little");
            foreach (var (team, want) in expected)
            {
                var context = $"seed {seed}, {timeZone}, team '{team}', {period[0]:O}..{period[1]:O}";
                if (!actual.TryGetValue(team, out var got))
                {
                    AssertEmpty(want, context);
                    continue;
                }
                AssertSame(want, got, context);
            }
            Assert.All(actual.Keys, team => Assert.True(expected.ContainsKey(team), $"SQL reports team '{team}' that the oracle does not know"));
        }

        // PR cycle time by phase, for every team, over the same periods.
        var pullRequestFacts = await store.QueryAsync<PullRequestFacts>("SELECT repository, number, author_login, author_is_bot, opened_at, first_commit_at, merged_at, merge_sha FROM pull_requests FINAL");
        var reviews = await store.QueryAsync<PullRequestReview>("SELECT repository, number, reviewer_login, reviewer_is_bot, submitted_at FROM pull_request_reviews FINAL");
        // The history must hold what the pickup rule leaves out, or agreeing on it proves nothing.
        var authors = pullRequestFacts.ToDictionary(pr => (pr.Repository, pr.Number), pr => pr.AuthorLogin);
        Assert.Contains(reviews, review => authors.GetValueOrDefault((review.Repository, review.Number)) == review.ReviewerLogin);
        Assert.Contains(reviews, review => review.ReviewerIsBot);
        Assert.Contains(pullRequestFacts, pr => pr.AuthorIsBot);
        var cycleOracle = new PullRequestCycleTimeOracle(oracle, history, pullRequestFacts, reviews,
            await store.QueryAsync<ServiceRepositoryLink>("SELECT service, repository FROM catalog_services"),
            options);
        var pullRequests = new PullRequestQueries(store, new SqlFiles(), Options.Create(options));
        foreach (var period in periods)
        {
            var expected = cycleOracle.CycleTime(period[0], period[1]);
            var actual = await pullRequests.CycleTimeAsync(new DoraRequest(period[0], period[1]));
            Assert.True(expected.ContainsKey(""), $"seed {seed}: no merged pull request in {period[0]:O}..{period[1]:O}");
            Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
            foreach (var (team, want) in expected)
            {
                var got = actual[team];
                var context = $"seed {seed}, {timeZone}, PR cycle time, team '{team}', {period[0]:O}..{period[1]:O}";
                Assert.True(want.PullRequests == got.PullRequests, $"{context}: pull requests {got.PullRequests}, oracle {want.PullRequests}");
                foreach (var (name, w, g) in new[] { ("coding", want.Coding, got.Coding), ("pickup", want.Pickup, got.Pickup), ("review", want.Review, got.Review), ("deploy", want.Deploy, got.Deploy) })
                {
                    Assert.True(w.Measured == g.Measured && w.Negative == g.Negative, $"{context}: {name} n {g.Measured}/{g.Negative}, oracle {w.Measured}/{w.Negative}");
                    AssertMilliseconds(w.Median, g.Median, $"{context}: {name} median");
                }
            }
        }

        // Series: each bucket is a period of its own, clipped to the window.
        var window = (From: End.AddDays(-75).AddHours(-3), To: End.AddHours(-7));
        foreach (var granularity in new[] { Granularity.Month, Granularity.Week, Granularity.Day })
        {
            var series = await queries.SeriesAsync(new DoraRequest(window.From, window.To), granularity);
            var zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
            Assert.NotEmpty(series);
            foreach (var point in series)
            {
                var (start, end) = BucketBounds(point.Bucket, granularity, zone);
                var from = start < window.From ? window.From : start;
                var to = end > window.To ? window.To : end;
                Assert.True(from < to, $"{granularity} bucket {point.Bucket} lies outside the window");
                var want = oracle.Summaries(from, to).GetValueOrDefault(point.Team);
                var context = $"seed {seed}, {timeZone}, {granularity} {point.Bucket}, team '{point.Team}'";
                Assert.True(want is not null, $"{context}: unknown team");
                Assert.True(want!.DeploymentFrequency.Deployments == point.Deployments, $"{context}: deployments {point.Deployments}, oracle {want.DeploymentFrequency.Deployments}");
                Assert.True(want.ChangeFailureRate.FailedDeployments == point.FailedDeployments, $"{context}: failed deployments");
                Assert.True(want.LeadTime.Changes == point.Changes, $"{context}: changes {point.Changes}, oracle {want.LeadTime.Changes}");
                AssertMilliseconds(want.LeadTime.Median, point.LeadTimeMedian, $"{context}: lead time median");
                Assert.True(want.RecoveryTime.Resolved == point.IncidentsResolved, $"{context}: incidents resolved");
                AssertMilliseconds(want.RecoveryTime.Median, point.RecoveryMedian, $"{context}: recovery median");
            }
            var buckets = series.Where(p => p.Team == "").Select(p => p.Bucket).ToList();
            Assert.Equal(buckets.Order().Distinct(), buckets); // every bucket once, in order
        }
    }

    /// <summary>
    /// Property: with every deployment's kind left unstated (as the pulling sources store them), the kinds the SQL works
    /// out (rollbacks by a sha shipped before, reverts, hotfix rules) and every figure built on them — failed deployments,
    /// rework, restores — equal the oracle's; and so does time to restore service over one severity.
    /// </summary>
    [Theory]
    [InlineData(1, "UTC")]
    [InlineData(3, "Asia/Kolkata")]
    public async Task Detected_kinds_and_the_severity_filter_equal_the_oracle(int seed, string timeZone)
    {
        await using var organisation = await GeneratedOrganisation.LoadAsync("kinds", DemoScale.Tiny, seed, End);
        var store = organisation.Store;
        await store.ExecuteAsync("ALTER TABLE deployments UPDATE kind = '', related_deployment_id = '' WHERE 1 SETTINGS mutations_sync = 2");
        var history = await organisation.ReadDoraHistoryAsync();
        var options = new MetricOptions { TimeZone = timeZone };
        var queries = new DoraQueries(store, new SqlFiles(), Options.Create(options));
        var oracle = new DoraOracle(history, options);
        var kinds = oracle.Kinds();
        Assert.Contains(kinds.Values, kind => kind.Kind == "rollback" && kind.Evidence.StartsWith("sha_shipped_by:", StringComparison.Ordinal));
        var stored = (await store.QueryAsync<KindRow>("SELECT deployment_id, kind, related_deployment_id, kind_evidence FROM production_deployments"))
            .ToDictionary(row => row.DeploymentId, row => new DeploymentKind(row.Kind, row.RelatedDeploymentId, row.KindEvidence));
        Assert.Equal(kinds.OrderBy(k => k.Key, StringComparer.Ordinal), stored.OrderBy(k => k.Key, StringComparer.Ordinal));

        var severity = history.Incidents.GroupBy(i => i.Severity).MaxBy(g => g.Count())!.Key;
        foreach (var (from, to) in new[] { (End.AddDays(-90), End), (End.AddYears(-1), End) })
        {
            var sql = await queries.SummariesAsync(new DoraRequest(from, to));
            var expected = oracle.Summaries(from, to);
            Assert.True(expected[""].ReworkRate.ReworkDeployments > 0, $"seed {seed}: no rework detected in {from:O}..{to:O}, so it proves little");
            foreach (var got in sql.Teams.Append(sql.Organisation))
            {
                AssertSame(expected[got.Team], got, $"seed {seed}, {timeZone}, kinds detected, team '{got.Team}', {from:O}..{to:O}");
            }
            var filtered = await queries.SummariesAsync(new DoraRequest(from, to) { Severities = [severity.ToUpperInvariant()] });
            var wanted = oracle.Summaries(from, to, [severity]);
            Assert.True(wanted[""].RecoveryTime.Resolved < expected[""].RecoveryTime.Resolved, "the severity filter must leave incidents out, or it proves nothing");
            foreach (var got in filtered.Teams.Append(filtered.Organisation))
            {
                AssertSame(wanted[got.Team], got, $"seed {seed}, severity {severity}, team '{got.Team}', {from:O}..{to:O}");
            }
        }
    }

    /// <summary>
    /// Property: lead time per pull request (the configured unit, and asked for per request) equals its oracle for every
    /// team and period; the generated organisation merges most pull requests by squash and the rest with a merge commit.
    /// </summary>
    [Theory]
    [InlineData(1, "UTC")]
    [InlineData(2, "America/New_York")]
    [InlineData(4, "Asia/Kolkata")]
    public async Task Lead_time_per_pull_request_equals_the_oracle(int seed, string timeZone)
    {
        await using var organisation = await GeneratedOrganisation.LoadAsync("prlead", DemoScale.Tiny, seed, End);
        var store = organisation.Store;
        var history = await organisation.ReadDoraHistoryAsync();
        var options = new MetricOptions { TimeZone = timeZone, LeadTimeUnit = LeadTimeUnit.PullRequest };
        var queries = new DoraQueries(store, new SqlFiles(), Options.Create(options));
        var pullRequests = await store.QueryAsync<PullRequestFacts>("SELECT repository, number, author_login, author_is_bot, opened_at, first_commit_at, merged_at, merge_sha FROM pull_requests FINAL");
        var oracle = new PullRequestLeadTimeOracle(new DoraOracle(history, options), history, pullRequests);
        // Both ways of merging must be in the sample, or agreeing proves little: a merge commit has two parents.
        var twoParents = (await store.QueryAsync<ShaRow>("SELECT repository, sha FROM commits FINAL WHERE length(parents) > 1")).Select(r => (r.Repository, r.Sha)).ToHashSet();
        var merged = pullRequests.Where(pr => pr.MergedAt is not null).ToList();
        Assert.Contains(merged, pr => twoParents.Contains((pr.Repository, pr.MergeSha)));
        Assert.Contains(merged, pr => !twoParents.Contains((pr.Repository, pr.MergeSha)));

        foreach (var (from, to) in new[] { (End.AddDays(-30), End), (End.AddDays(-90), End), (End.AddMonths(-2).AddHours(-5), End.AddMonths(-1).AddHours(7)), (End.AddYears(-1), End) })
        {
            var expected = oracle.LeadTime(from, to);
            Assert.True(expected[""].Changes > 0, $"seed {seed}: no pull request shipped in {from:O}..{to:O}, so it proves little");
            var configured = await queries.SummariesAsync(new DoraRequest(from, to));
            var asked = await new DoraQueries(store, new SqlFiles(), Options.Create(new MetricOptions { TimeZone = timeZone }))
                .SummariesAsync(new DoraRequest(from, to) { LeadTimeUnit = "Pull-Request" });
            foreach (var sql in new[] { configured, asked })
            {
                AssertPerPullRequest(expected, sql, $"seed {seed}, {timeZone}, per pull request, team", $"{from:O}..{to:O}");
            }
        }
    }

    [Theory]
    [InlineData(1, DoraBreakdown.Service)]
    [InlineData(2, DoraBreakdown.Repository)]
    public async Task Lead_time_per_pull_request_by_service_or_repository_equals_the_oracle(int seed, DoraBreakdown by)
    {
        await using var organisation = await GeneratedOrganisation.LoadAsync("prlead-by", DemoScale.Tiny, seed, End);
        var store = organisation.Store;
        var history = await organisation.ReadDoraHistoryAsync();
        var options = new MetricOptions();
        var queries = new DoraQueries(store, new SqlFiles(), Options.Create(options));
        var pullRequests = await store.QueryAsync<PullRequestFacts>("SELECT repository, number, author_login, author_is_bot, opened_at, first_commit_at, merged_at, merge_sha FROM pull_requests FINAL");
        var oracle = new PullRequestLeadTimeOracle(new DoraOracle(history, options), history, pullRequests);

        foreach (var (from, to) in new[] { (End.AddDays(-90), End), (End.AddYears(-1), End) })
        {
            var expected = oracle.LeadTime(from, to, by);
            Assert.True(expected.Count > 2, $"seed {seed}: fewer than two {by} rows in {from:O}..{to:O}, so it proves little");
            var sql = await queries.SummariesAsync(new DoraRequest(from, to) { By = by, LeadTimeUnit = LeadTimeUnit.PullRequest });
            AssertPerPullRequest(expected, sql, $"seed {seed}, per pull request, {by}", $"{from:O}..{to:O}");
        }
    }

    /// <summary>Every row of the SQL's lead time per pull request (the organisation's under "") equals the oracle's.</summary>
    private static void AssertPerPullRequest(IReadOnlyDictionary<string, LeadTimeFigure> expected, DoraResult sql, string rows, string period)
    {
        var actual = sql.Teams.Append(sql.Organisation).ToDictionary(s => s.Team, s => s.LeadTime);
        Assert.All(expected.Keys, unit => Assert.True(actual.ContainsKey(unit), $"{rows} '{unit}', {period}: the SQL has no such row"));
        foreach (var (unit, got) in actual)
        {
            var context = $"{rows} '{unit}', {period}";
            var want = expected.GetValueOrDefault(unit) ?? new LeadTimeFigure(0, null, null, null, 0, 0, null);
            Assert.Equal(LeadTimeUnit.PullRequest, got.Unit);
            Assert.True(want.Changes == got.Changes && want.Excluded == got.Excluded, $"{context}: n {got.Changes}/{got.Excluded}, oracle {want.Changes}/{want.Excluded}");
            AssertMilliseconds(want.Median, got.Median, $"{context}: median");
            AssertMilliseconds(want.P75, got.P75, $"{context}: p75");
            AssertMilliseconds(want.P90, got.P90, $"{context}: p90");
            Assert.True(Math.Abs(want.InferredShare - got.InferredShare) < 1e-9, $"{context}: inferred share {got.InferredShare}, oracle {want.InferredShare}");
            Assert.Equal(want.Tier, got.Tier);
        }
    }

    private sealed record ShaRow(string Repository, string Sha);

    private sealed record KindRow(string DeploymentId, string Kind, string RelatedDeploymentId, string KindEvidence);

    /// <summary>[start, end) of a bucket in UTC: local midnights in the organisation's zone.</summary>
    private static (DateTimeOffset Start, DateTimeOffset End) BucketBounds(DateOnly bucket, Granularity granularity, TimeZoneInfo zone)
    {
        var next = granularity switch
        {
            Granularity.Day => bucket.AddDays(1),
            Granularity.Week => bucket.AddDays(7),
            _ => bucket.AddMonths(1),
        };
        DateTimeOffset Midnight(DateOnly day)
        {
            var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
            return new DateTimeOffset(local, zone.GetUtcOffset(local));
        }
        return (Midnight(bucket), Midnight(next));
    }

    internal static void AssertSame(DoraSummary want, DoraSummary got, string context)
    {
        Assert.True(want.DeploymentFrequency.Deployments == got.DeploymentFrequency.Deployments, $"{context}: deployments {got.DeploymentFrequency.Deployments}, oracle {want.DeploymentFrequency.Deployments}");
        Assert.True(want.DeploymentFrequency.FailedAttempts == got.DeploymentFrequency.FailedAttempts, $"{context}: failed attempts");
        Assert.True(want.DeploymentFrequency.MedianDeploymentDaysPerWeek is null == got.DeploymentFrequency.MedianDeploymentDaysPerWeek is null
            && Math.Abs((want.DeploymentFrequency.MedianDeploymentDaysPerWeek ?? 0) - (got.DeploymentFrequency.MedianDeploymentDaysPerWeek ?? 0)) < 1e-9,
            $"{context}: median deployment days/week {got.DeploymentFrequency.MedianDeploymentDaysPerWeek}, oracle {want.DeploymentFrequency.MedianDeploymentDaysPerWeek}");
        Assert.True(want.LeadTime.Changes == got.LeadTime.Changes, $"{context}: lead-time changes {got.LeadTime.Changes}, oracle {want.LeadTime.Changes}");
        Assert.True(want.LeadTime.Excluded == got.LeadTime.Excluded, $"{context}: excluded");
        AssertMilliseconds(want.LeadTime.Median, got.LeadTime.Median, $"{context}: lead time median");
        AssertMilliseconds(want.LeadTime.P75, got.LeadTime.P75, $"{context}: lead time p75");
        AssertMilliseconds(want.LeadTime.P90, got.LeadTime.P90, $"{context}: lead time p90");
        Assert.True(want.ChangeFailureRate.FailedDeployments == got.ChangeFailureRate.FailedDeployments,
            $"{context}: failed deployments {got.ChangeFailureRate.FailedDeployments}, oracle {want.ChangeFailureRate.FailedDeployments}");
        Assert.True(want.RecoveryTime.Resolved == got.RecoveryTime.Resolved, $"{context}: resolved incidents");
        Assert.True(want.RecoveryTime.Open == got.RecoveryTime.Open, $"{context}: open incidents {got.RecoveryTime.Open}, oracle {want.RecoveryTime.Open}");
        AssertMilliseconds(want.RecoveryTime.Median, got.RecoveryTime.Median, $"{context}: recovery median");
        Assert.True(want.RecoveryTime.Restored == got.RecoveryTime.Restored, $"{context}: restored deployments {got.RecoveryTime.Restored}, oracle {want.RecoveryTime.Restored}");
        Assert.True(want.RecoveryTime.AwaitingRestore == got.RecoveryTime.AwaitingRestore, $"{context}: awaiting restore {got.RecoveryTime.AwaitingRestore}, oracle {want.RecoveryTime.AwaitingRestore}");
        AssertMilliseconds(want.RecoveryTime.RestoreMedian, got.RecoveryTime.RestoreMedian, $"{context}: restore median");
        Assert.True(want.ReworkRate.ReworkDeployments == got.ReworkRate.ReworkDeployments, $"{context}: rework deployments {got.ReworkRate.ReworkDeployments}, oracle {want.ReworkRate.ReworkDeployments}");
        Assert.True(want.ReworkRate.UnknownKind == got.ReworkRate.UnknownKind, $"{context}: unknown kinds {got.ReworkRate.UnknownKind}, oracle {want.ReworkRate.UnknownKind}");
        Assert.True(want.ReworkRate.Rate.HasValue == got.ReworkRate.Rate.HasValue && Math.Abs((want.ReworkRate.Rate ?? 0) - (got.ReworkRate.Rate ?? 0)) < 1e-9,
            $"{context}: rework rate {got.ReworkRate.Rate}, oracle {want.ReworkRate.Rate}");
        Assert.Equal(want.RecoveryTime.RestoreTier, got.RecoveryTime.RestoreTier);
        Assert.Equal(want.DeploymentFrequency.Tier, got.DeploymentFrequency.Tier);
        Assert.Equal(want.LeadTime.Tier, got.LeadTime.Tier);
        Assert.Equal(want.ChangeFailureRate.Tier, got.ChangeFailureRate.Tier);
        Assert.Equal(want.RecoveryTime.Tier, got.RecoveryTime.Tier);
    }

    internal static void AssertEmpty(DoraSummary want, string context)
    {
        Assert.True(want.DeploymentFrequency.Deployments == 0 && want.DeploymentFrequency.FailedAttempts == 0, $"{context}: missing from SQL but the oracle has deployments");
        Assert.True(want.LeadTime.Changes == 0 && want.LeadTime.Excluded == 0, $"{context}: missing from SQL but the oracle has changes");
        Assert.True(want.RecoveryTime.Resolved == 0 && want.RecoveryTime.Open == 0, $"{context}: missing from SQL but the oracle has incidents");
        Assert.True(want.RecoveryTime.Restored == 0 && want.RecoveryTime.AwaitingRestore == 0, $"{context}: missing from SQL but the oracle has failed deployments");
    }

    internal static void AssertMilliseconds(TimeSpan? want, TimeSpan? got, string context) =>
        Assert.True(want.HasValue == got.HasValue && (want is null || Math.Abs((want.Value - got!.Value).TotalMilliseconds) < 1),
            $"{context}: SQL {got}, oracle {want}");
}
