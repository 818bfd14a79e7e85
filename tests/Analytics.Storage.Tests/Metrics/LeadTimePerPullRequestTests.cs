namespace Analytics.Storage.Tests.Metrics;

/// <summary>
/// Lead time per pull request against per commit through the real engine, on histories worked out by hand (the worked
/// example of docs/metrics.md, "Lead time per pull request"): how a team merges changes the per-commit figure, not the
/// per-pull-request one; the SQL equals the oracle over the same rows.
/// </summary>
public sealed class LeadTimePerPullRequestTests
{
    internal const string Repository = "acme/api";
    internal static readonly DateTimeOffset Monday = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    internal static DateTimeOffset At(double hours) => Monday.AddHours(hours);

    /// <summary>
    /// One pull request: commits P1 (authored 0 h), P2 (2 h), merged at 5 h 59 min, deployed by d1 at 6 h. Squash: the
    /// squash commit S (5 h 59 min) alone reaches main and ships. Merge commit: P1, P2 and the merge commit M (5 h 59 min) ship.
    /// Per pull request both are one sample of 6 h (first commit → deployment). Per commit, the squash is one sample of
    /// 1 min (timed from the merge); the merge commit adds a 1-minute sample to P1's 6 h and P2's 4 h (median 4 h).
    /// </summary>
    [Theory]
    [InlineData(true, 1, 60.0)]
    [InlineData(false, 3, 4 * 3600.0)]
    public async Task Squash_and_merge_commit_give_the_same_pull_request_sample_but_not_the_same_commit_samples(bool squash, int commitSamples, double commitMedianSeconds)
    {
        await using var store = await ScenarioAsync(squash);
        var (from, to) = (Monday, Monday.AddDays(7));

        var perCommit = await SummaryAsync(store, LeadTimeUnit.Commit, from, to);
        var perPullRequest = await SummaryAsync(store, LeadTimeUnit.PullRequest, from, to);

        Assert.Equal((LeadTimeUnit.Commit, commitSamples, TimeSpan.FromSeconds(commitMedianSeconds)),
            (perCommit.Unit, (int)perCommit.Changes, perCommit.Median!.Value));
        Assert.Equal((LeadTimeUnit.PullRequest, 1L, TimeSpan.FromHours(6), 0L), (perPullRequest.Unit, perPullRequest.Changes, perPullRequest.Median!.Value, perPullRequest.Excluded));
        if (!squash)
        {
            // The merge commit is a near-zero per-commit sample (1 min), and no per-pull-request one.
            var changes = await new DoraDrillDown(store, new SqlFiles(), Options.Create(new MetricOptions())).ChangesAsync(new DoraRequest(from, to));
            Assert.Contains(changes, change => change.Sha == "M" && Math.Abs(change.LeadSeconds - 60) < 0.001);
        }
        await AssertOracleAsync(store, from, to);
    }

    /// <summary>
    /// The worked example: PR #1 merge commit (P1 0 h, P2 2 h, M 4 h), PR #2 squash (branch Q1 1 h, Q2 3 h; S 5 h), PR #3
    /// abandoned, PR #4 merged but never deployed, PR #5 with no commit list (first commit unknown) merged with S5 (5 h 30 min),
    /// all shipped by d1 at 6 h except PR #4. Per pull request: #1 6 h, #2 5 h → median 5 h 30 min, p75 5 h 45 min; #5 excluded.
    /// </summary>
    [Fact]
    public async Task Each_merged_pull_request_is_one_sample_from_its_first_commit_to_its_merge_commits_first_deployment()
    {
        await using var store = await EmbeddedEngine.NewMigratedDatabaseAsync("prlead");
        await CatalogAsync(store);
        await CommitsAsync(store, ("A", -10, []), ("P1", 0, ["A"]), ("P2", 2, ["P1"]), ("M", 4, ["A", "P2"]), ("S", 5, ["M"]), ("S5", 5.5, ["S"]), ("N", 7, ["S5"]));
        await PullRequestsAsync(store,
            (1, 0, 4, "M"), (2, 1, 5, "S"), (3, 2.5, null, ""), (4, 6.5, 7, "N"), (5, null, 5.5, "S5"));
        await DeployAsync(store, ("d1", 6, ["P1", "P2", "M", "S", "S5"]));
        var (from, to) = (Monday, Monday.AddDays(7));

        var figure = await SummaryAsync(store, LeadTimeUnit.PullRequest, from, to);

        Assert.Equal((2L, 1L, TimeSpan.FromHours(5.5), TimeSpan.FromHours(5.75)), (figure.Changes, figure.Excluded, figure.Median!.Value, figure.P75!.Value));
        // Per commit, the same deployment: P1 6 h, P2 4 h, M 2 h, S 1 h, S5 30 min.
        var perCommit = await SummaryAsync(store, LeadTimeUnit.Commit, from, to);
        Assert.Equal((5L, TimeSpan.FromHours(2)), (perCommit.Changes, perCommit.Median!.Value));
        await AssertOracleAsync(store, from, to);
    }

    private static async Task<LeadTimeFigure> SummaryAsync(IClickHouseStore store, string unit, DateTimeOffset from, DateTimeOffset to)
    {
        var queries = new DoraQueries(store, new SqlFiles(), Options.Create(new MetricOptions()));
        var result = await queries.SummariesAsync(new DoraRequest(from, to) { LeadTimeUnit = unit });
        Assert.Equal(result.Organisation.LeadTime.Changes, result.Teams.Single(t => t.Team == "alpha").LeadTime.Changes);
        return result.Organisation.LeadTime;
    }

    private static async Task AssertOracleAsync(IClickHouseStore store, DateTimeOffset from, DateTimeOffset to)
    {
        var history = await GeneratedOrganisation.ReadDoraHistoryAsync(store);
        var pullRequests = await store.QueryAsync<PullRequestFacts>("SELECT repository, number, author_login, author_is_bot, opened_at, first_commit_at, merged_at, merge_sha FROM pull_requests FINAL");
        var want = new PullRequestLeadTimeOracle(new DoraOracle(history, new MetricOptions()), history, pullRequests).LeadTime(from, to)[""];
        var got = await SummaryAsync(store, LeadTimeUnit.PullRequest, from, to);
        Assert.Equal((want.Changes, want.Excluded, want.Median, want.P75, want.P90), (got.Changes, got.Excluded, got.Median, got.P75, got.P90));
    }

    private static async Task<IClickHouseStore> ScenarioAsync(bool squash)
    {
        var store = await EmbeddedEngine.NewMigratedDatabaseAsync("prmerge");
        await CatalogAsync(store);
        var merged = 5 + 59 / 60.0;
        if (squash)
        {
            // P1 and P2 stay on the pull request's branch; only the squash commit S is in main's history.
            await CommitsAsync(store, ("A", -10, []), ("P1", 0, ["A"]), ("P2", 2, ["P1"]), ("S", merged, ["A"]));
            await PullRequestsAsync(store, (1, 0, merged, "S"));
            await DeployAsync(store, ("d1", 6, ["S"]));
        }
        else
        {
            await CommitsAsync(store, ("A", -10, []), ("P1", 0, ["A"]), ("P2", 2, ["P1"]), ("M", merged, ["A", "P2"]));
            await PullRequestsAsync(store, (1, 0, merged, "M"));
            await DeployAsync(store, ("d1", 6, ["P1", "P2", "M"]));
        }
        return store;
    }

    internal static async Task CatalogAsync(IClickHouseStore store)
    {
        await store.InsertAsync("catalog_production_environments", ["source", "pattern"], [["", "production"]]);
        await store.InsertAsync("catalog_services", ["service", "repository"], [["api", Repository]]);
        await store.InsertAsync("catalog_service_ownership", ["service", "team", "valid_from", "valid_to"], [["api", "alpha", Monday.AddYears(-1), null]]);
    }

    internal static Task CommitsAsync(IClickHouseStore store, params (string Sha, double Hours, string[] Parents)[] commits) =>
        store.InsertAsync("commits", ["repository", "sha", "parents", "author_email", "author_name", "authored_at", "committer_email", "committed_at", "message", "source"],
            commits.Select(c => new object?[] { Repository, c.Sha, c.Parents, "dev@acme.test", "Dev", At(c.Hours), "dev@acme.test", At(c.Hours), c.Sha, "test" }));

    /// <param name="pullRequests">Number, first commit (hours; null = unknown), merged (hours; null = not merged), merge sha.</param>
    private static Task PullRequestsAsync(IClickHouseStore store, params (int Number, double? FirstCommit, double? Merged, string MergeSha)[] pullRequests) =>
        store.InsertAsync("pull_requests", ["repository", "number", "title", "author_login", "author_is_bot", "base_branch", "opened_at", "first_commit_at", "merged_at", "closed_at", "merge_sha", "url", "source"],
            pullRequests.Select(p => new object?[]
            {
                Repository, (uint)p.Number, $"change {p.Number}", "dev", false, "main", At((p.FirstCommit ?? 5) + 0.25),
                p.FirstCommit is { } first ? At(first) : null, p.Merged is { } merged ? At(merged) : null, p.Merged is { } closed ? At(closed) : null, p.MergeSha, "", "test",
            }));

    internal static Task DeployAsync(IClickHouseStore store, params (string Id, double Hours, string[] Shipped)[] deployments) =>
        Task.WhenAll(
            store.InsertAsync("deployments", ["deployment_id", "service", "environment", "status", "kind", "related_deployment_id", "repository", "sha", "started_at", "finished_at", "url", "source"],
                deployments.Select(d => new object?[] { d.Id, "api", "production", "success", "normal", "", Repository, d.Shipped[^1], At(d.Hours).AddMinutes(-5), At(d.Hours), "", "test" })),
            store.InsertAsync("deployment_commits", ["deployment_id", "service", "repository", "sha", "link"],
                deployments.SelectMany(d => d.Shipped.Select(sha => new object?[] { d.Id, "api", Repository, sha, "exact" }))));
}
