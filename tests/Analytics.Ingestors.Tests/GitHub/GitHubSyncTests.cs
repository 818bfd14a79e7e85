using Analytics.Ingestors.GitHub;
using Analytics.Simulators.GitHub;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Ingestors.Tests.GitHub;

/// <summary>
/// The GitHub source against the fake server (real Kestrel, real Octokit), writing into the real engine and a real
/// SQLite catalog. The organisation is <see cref="GitHubScenario.AcmeOrganisation"/>; its expected rows are worked
/// out there.
/// </summary>
public sealed class GitHubSyncTests
{
    private static string Sha(string name) => FakeRepository.Pad(name);

    private static DateTimeOffset At(int hour, int minute = 0) => GitHubScenario.At(hour, minute);

    [Fact]
    public async Task A_full_sync_stores_commits_pull_requests_reviews_deployments_releases_runs_and_incidents()
    {
        await using var scenario = await GitHubScenario.CreateAsync();

        var outcome = await scenario.RunAsync();

        Assert.True(outcome.Succeeded, outcome.Error);
        var store = scenario.Host.EngineStore;

        // Main's commits with parents, the pull requests' commits (f1 of the merged branch, d1 of the open one), billing's b1.
        var commits = (await store.QueryAsync<CommitRow>("SELECT repository, sha, parents, author_email, committed_at, message, source FROM commits FINAL ORDER BY committed_at"))
            .ToDictionary(c => c.Sha);
        Assert.Equal([Sha("b1"), Sha("c1"), Sha("f1"), Sha("c2"), Sha("d1"), Sha("c3")], commits.Keys);
        Assert.Equal([Sha("c1"), Sha("f1")], commits[Sha("c2")].Parents);
        Assert.Empty(commits[Sha("c1")].Parents);
        var f1 = commits[Sha("f1")];
        Assert.Equal(("acme/shop", "ben@acme.test", At(10), "Add cart", "acme"), (f1.Repository, f1.AuthorEmail, f1.CommittedAt, f1.Message, f1.Source));
        Assert.Equal([Sha("c1")], f1.Parents);
        Assert.Equal("acme/billing", commits[Sha("b1")].Repository);

        var pulls = await store.QueryAsync<PullRow>(
            "SELECT number, author_login, author_is_bot, base_branch, opened_at, first_commit_at, first_review_at, merged_at, closed_at, merge_sha FROM pull_requests FINAL ORDER BY number");
        Assert.Equal(
        [
            // First review: ana's at 11:00 — ben's own and the bot's earlier comments do not count, nor ana's pending draft.
            new PullRow(1, "ben", false, "main", At(10, 30), At(10), At(11), At(12), At(12), Sha("c2")),
            // Open, so no merge sha although GitHub reports a test-merge commit; the author is a Bot account.
            new PullRow(2, "dependabot[bot]", true, "main", At(13), At(13), null, null, null, ""),
        ], pulls);
        Assert.Equal(["1 " + Sha("f1"), "2 " + Sha("d1")],
            (await store.QueryAsync<PullCommitRow>("SELECT number, sha FROM pull_request_commits FINAL ORDER BY number")).Select(r => $"{r.Number} {r.Sha}"));
        Assert.Equal(
        [
            new ReviewRow("501", "ben", false, "commented", At(10, 40)),
            new ReviewRow("502", "ci-bot[bot]", true, "commented", At(10, 45)),
            new ReviewRow("503", "ana", false, "approved", At(11)),
        ], await store.QueryAsync<ReviewRow>("SELECT review_id, reviewer_login, reviewer_is_bot, state, submitted_at FROM pull_request_reviews FINAL ORDER BY review_id"));

        Assert.Equal(
        [
            new DeploymentRow("github-deployment-1001", "shop", "production", "success", Sha("c2"), At(12, 10), At(12, 20)), // inactive later: still a success
            new DeploymentRow("github-deployment-1002", "shop", "production", "failure", Sha("c3"), At(15, 10), At(15, 15)),
            new DeploymentRow("github-deployment-1003", "shop", "staging", "in_progress", Sha("c3"), At(15, 20), null),
            new DeploymentRow("github-run-71", "shop", "production", "success", Sha("c2"), At(12, 5), At(12, 15)),
            new DeploymentRow("github-run-72", "shop", "production", "failure", Sha("c3"), At(15, 5), At(15, 9)),
            new DeploymentRow("github-run-73", "shop", "production", "in_progress", Sha("c3"), At(15, 30), null),
            // The release's target is "main": its sha comes from the tag. No draft, no pre-release, no run of branch "topic".
            new DeploymentRow("shop@v1.0.0", "shop", "production", "success", Sha("c2"), At(12, 30), At(12, 30)),
        ], await store.QueryAsync<DeploymentRow>(
            "SELECT deployment_id, service, environment, status, sha, started_at, finished_at FROM deployments FINAL ORDER BY deployment_id"));

        Assert.Equal(
        [
            new IncidentRow("acme/shop#10", "shop", "sev2", "Checkout down", At(15, 16), At(16, 30), "github-deployment-1002"),
            new IncidentRow("acme/shop#11", "shop", "sev3", "Slow search", At(17), null, ""),
        ], await store.QueryAsync<IncidentRow>(
            "SELECT incident_id, service, severity, title, started_at, resolved_at, caused_by_deployment_id FROM incidents FINAL ORDER BY incident_id"));

        // Linked after the run: the first production deployment (run 71, 12:15) shipped c1, f1 and c2 by ancestry;
        // deployment 1001 and the release deploy the same commit again and ship nothing new.
        Assert.Equal(
            ["github-run-71 " + Sha("c1"), "github-run-71 " + Sha("c2"), "github-run-71 " + Sha("f1")],
            (await store.QueryAsync<LinkRow>("SELECT deployment_id, sha FROM deployment_commits FINAL WHERE link = 'exact' ORDER BY deployment_id, sha"))
                .Select(l => $"{l.DeploymentId} {l.Sha}"));

        // Rows written: main's list includes the merged branch's f1, which PR #1's commits send again (one row after FINAL).
        Assert.Equal(7, outcome.RowsPerTable["commits"]);
        Assert.Equal((2L, 3L, 7L, 2L, 3L),
            (outcome.RowsPerTable["pull_requests"], outcome.RowsPerTable["pull_request_reviews"], outcome.RowsPerTable["deployments"],
             outcome.RowsPerTable["incidents"], outcome.RowsPerTable["deployment_commits"]));

        // Both repositories were registered as services without an owner, with GitHub's default branches.
        var services = await scenario.Host.WithCatalogAsync(db => db.Services.OrderBy(s => s.Slug).Select(s => $"{s.Slug} {s.Repository} {s.DefaultBranch}").ToListAsync());
        Assert.Equal(["billing acme/billing trunk", "shop acme/shop main"], services);
    }

    [Fact]
    public async Task A_second_sync_of_an_unchanged_organisation_makes_only_conditional_requests_answered_304_and_spends_no_rate_limit()
    {
        await using var scenario = await GitHubScenario.CreateAsync();
        Assert.True((await scenario.RunAsync()).Succeeded);
        var before = await scenario.SnapshotAsync();
        var cursorsBefore = await scenario.CursorsAsync();
        var spentBefore = scenario.GitHub.PointsSpent;
        scenario.GitHub.ClearServed();

        var source = scenario.Source();
        var second = await scenario.RunAsync(source);

        Assert.True(second.Succeeded, second.Error);
        var served = scenario.GitHub.Served;
        // One request per list that has a cursor: org repositories; per repository commits, pulls, deployments,
        // releases, workflows, incident issues; shop's runs of deploy.yml and the statuses of its unfinished deployment 1003.
        Assert.Equal(2 * 6 + 1 + 2, served.Count);
        Assert.All(served, request => Assert.True(request.Conditional && request.Status == 304, $"{request.PathAndQuery} → {request.Status}"));
        Assert.Equal(0, served.Sum(r => r.Cost));
        Assert.Equal(spentBefore, scenario.GitHub.PointsSpent);
        Assert.Equal(new GitHubRunStatistics(15, 15), source.LastRun);
        Assert.Empty(second.RowsPerTable);
        Assert.Equal(before, await scenario.SnapshotAsync());
        // Every cursor kept its ETag, so the next run is as cheap.
        Assert.Equal(cursorsBefore.Select(c => (c.Resource, c.ETag)), (await scenario.CursorsAsync()).Select(c => (c.Resource, c.ETag)));
        Assert.All(cursorsBefore, cursor => Assert.StartsWith("W/\"", cursor.ETag));
    }

    [Fact]
    public async Task A_later_sync_reads_only_what_changed()
    {
        await using var scenario = await GitHubScenario.CreateAsync();
        Assert.True((await scenario.RunAsync()).Succeeded);
        var shop = scenario.GitHub.Organisations[0].Repositories[0];
        // New on GitHub since: commit c4 on main through PR #3, deployment 1003 finished, run 73 finished.
        shop.Commit("main", "c4", At(19), "Gift cards", "Ana Lima", "ana@acme.test", "c3");
        var gifts = new FakePull { Number = 3, Title = "Gift cards", Author = new FakeUser("ana"), CreatedAt = At(18, 30), UpdatedAt = At(19), MergedAt = At(19), ClosedAt = At(19), MergeCommitSha = Sha("c4") };
        gifts.CommitShas.Add("c4");
        shop.Pulls.Add(gifts);
        shop.Deployments.Single(d => d.Id == 1003).Statuses.Add(new FakeDeploymentStatus(6, "success", At(19, 10)));
        var run73 = shop.Workflows[0].Runs.Single(r => r.Id == 73);
        (run73.Status, run73.Conclusion, run73.UpdatedAt) = ("completed", "success", At(19, 20));
        scenario.GitHub.ClearServed();

        var third = await scenario.RunAsync();

        Assert.True(third.Succeeded, third.Error);
        var paths = scenario.GitHub.Served.Select(r => r.PathAndQuery).ToList();
        // PR #3's details only: #1 and #2 did not change, so neither their commits nor their reviews are asked for again.
        Assert.Contains(paths, p => p.Contains("/pulls/3/commits", StringComparison.Ordinal));
        Assert.DoesNotContain(paths, p => p.Contains("/pulls/1/", StringComparison.Ordinal) || p.Contains("/pulls/2/", StringComparison.Ordinal));
        // Deployment 1003's statuses again (it was unfinished); the finished ones' never.
        Assert.Contains(paths, p => p.Contains("/deployments/1003/statuses", StringComparison.Ordinal));
        Assert.DoesNotContain(paths, p => p.Contains("/deployments/1001/", StringComparison.Ordinal) || p.Contains("/deployments/1002/", StringComparison.Ordinal));
        // billing did not change at all: every request for it was a free 304.
        Assert.All(scenario.GitHub.Served.Where(r => r.PathAndQuery.Contains("acme/billing", StringComparison.Ordinal)), r => Assert.Equal((304, 0), (r.Status, r.Cost)));

        Assert.Equal((1L, 1L), (third.RowsPerTable["pull_requests"], third.RowsPerTable["pull_request_commits"]));
        var store = scenario.Host.EngineStore;
        Assert.Equal(["github-deployment-1003 success", "github-run-73 success"],
            (await store.QueryAsync<StatusRow>("SELECT deployment_id, status FROM deployments FINAL WHERE deployment_id IN ('github-deployment-1003', 'github-run-73') ORDER BY deployment_id"))
                .Select(r => $"{r.DeploymentId} {r.Status}"));
        Assert.Equal(7, await scenario.Host.CountAsync("commits FINAL"));
        // Run 73 (c3, 19:20) is now a production deployment: it ships c3, which deployment 1002's failure never did.
        Assert.Equal([Sha("c3")], (await store.QueryAsync<LinkRow>("SELECT deployment_id, sha FROM deployment_commits FINAL WHERE deployment_id = 'github-run-73'")).Select(l => l.Sha));
    }

    [Fact]
    public async Task A_single_repository_is_read_from_Since_on_and_its_own_request_is_conditional_next_time()
    {
        await using var scenario = await GitHubScenario.CreateAsync(settings: new Dictionary<string, string?>
        {
            ["Organizations"] = null,
            ["Repositories"] = "acme/shop",
            ["Since"] = "2026-03-02T11:00:00Z",
        });

        var outcome = await scenario.RunAsync();

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.DoesNotContain(scenario.GitHub.Served, r => r.PathAndQuery.Contains("billing", StringComparison.Ordinal) || r.PathAndQuery.Contains("/orgs/", StringComparison.Ordinal));
        Assert.Contains(scenario.GitHub.Served, r => r.PathAndQuery.StartsWith("/api/v3/repos/acme/shop/commits?sha=main&per_page=100&since=2026-03-02T11%3A00%3A00Z", StringComparison.Ordinal));
        // Main's commits from 11:00 on (c1 and f1 are older); f1 still comes with PR #1, whose update is after 11:00.
        Assert.Equal([Sha("c2"), Sha("c3"), Sha("d1"), Sha("f1")],
            (await scenario.Host.EngineStore.QueryAsync<ShaRow>("SELECT sha FROM commits FINAL ORDER BY sha")).Select(r => r.Sha));
        Assert.Equal(2, await scenario.Host.CountAsync("pull_requests FINAL"));

        scenario.GitHub.ClearServed();
        Assert.True((await scenario.RunAsync()).Succeeded);

        Assert.Contains(scenario.GitHub.Served, r => r.PathAndQuery == "/api/v3/repos/acme/shop" && r.Status == 304);
        Assert.All(scenario.GitHub.Served, r => Assert.Equal((304, 0), (r.Status, r.Cost)));
    }

    [Fact]
    public async Task Pages_are_followed_through_the_Link_header_across_three_pages()
    {
        var acme = new FakeOrganisation("acme");
        var shop = acme.Repository("shop");
        shop.Commit("main", "c1", At(9), "Initial commit");
        for (var number = 1; number <= 6; number++)
        {
            var pull = new FakePull { Number = number, Title = $"Change {number}", Author = new FakeUser("ana"), CreatedAt = At(9, number), UpdatedAt = At(10, number) };
            pull.Reviews.Add(new FakeReview(600 + number, new FakeUser("ben"), "APPROVED", At(11, number)));
            shop.Pulls.Add(pull);
        }
        await using var scenario = await GitHubScenario.CreateAsync(acme, new Dictionary<string, string?> { ["PageSize"] = "2" });

        var outcome = await scenario.RunAsync();

        Assert.True(outcome.Succeeded, outcome.Error);
        var pullPages = scenario.GitHub.Served.Where(r => r.PathAndQuery.Contains("/pulls?", StringComparison.Ordinal)).Select(r => r.PathAndQuery).ToList();
        Assert.Equal(3, pullPages.Count);
        Assert.DoesNotContain("&page=", pullPages[0], StringComparison.Ordinal);
        Assert.EndsWith("&page=2", pullPages[1], StringComparison.Ordinal);
        Assert.EndsWith("&page=3", pullPages[2], StringComparison.Ordinal);
        Assert.Equal([1u, 2u, 3u, 4u, 5u, 6u], (await scenario.Host.EngineStore.QueryAsync<NumberRow>("SELECT number FROM pull_requests FINAL ORDER BY number")).Select(r => r.Number));
        Assert.Equal(6, await scenario.Host.CountAsync("pull_request_reviews FINAL"));
    }

    [Fact]
    public async Task A_429_with_Retry_After_a_502_and_a_timeout_are_retried_and_the_run_still_succeeds()
    {
        await using var scenario = await GitHubScenario.CreateAsync(settings: new Dictionary<string, string?> { ["RequestTimeout"] = "00:00:01" });
        var gitHub = scenario.GitHub;
        gitHub.Fail(new FakeFault
        {
            Matches = path => path.Contains("/acme/shop/pulls?", StringComparison.Ordinal),
            Status = 429,
            ContentType = "application/json",
            Body = """{"message":"Too many requests","documentation_url":"https://docs.github.com/rest"}""",
            Headers = new() { ["Retry-After"] = "30" },
        });
        gitHub.Fail(new FakeFault { Matches = path => path.Contains("/acme/shop/deployments?", StringComparison.Ordinal), Status = 502 });
        // Longer than the source's one-second request timeout.
        gitHub.Fail(new FakeFault { Matches = path => path.Contains("/acme/shop/releases?", StringComparison.Ordinal), Delay = TimeSpan.FromSeconds(3) });

        var outcome = await scenario.RunAsync();

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal([429, 200], gitHub.Served.Where(r => r.PathAndQuery.Contains("/acme/shop/pulls?", StringComparison.Ordinal)).Select(r => r.Status));
        Assert.Equal([502, 200], gitHub.Served.Where(r => r.PathAndQuery.Contains("/acme/shop/deployments?", StringComparison.Ordinal)).Select(r => r.Status));
        // The abandoned request is recorded when the server notices, which may be after the retry was answered.
        Assert.Equal([200, FakeGitHubServer.ClientClosedRequest],
            gitHub.Served.Where(r => r.PathAndQuery.Contains("/acme/shop/releases?", StringComparison.Ordinal)).Select(r => r.Status).Order());
        // Retry-After was honoured (on the fake clock), and the backoffs are there beside it.
        Assert.Contains(TimeSpan.FromSeconds(30), scenario.Clock.Waits);
        Assert.True(scenario.Clock.Waits.Count >= 3, string.Join(", ", scenario.Clock.Waits));
        Assert.Equal(7, await scenario.Host.CountAsync("deployments FINAL"));
        Assert.Equal(2, await scenario.Host.CountAsync("pull_requests FINAL"));
        Assert.Contains(scenario.Host.Logs, line => line.StartsWith("Warning", StringComparison.Ordinal) && line.Contains("rate limit hit (429)", StringComparison.Ordinal));
        Assert.Contains(scenario.Host.Logs, line => line.StartsWith("Warning", StringComparison.Ordinal) && line.Contains("failed (HTTP 502); retry 1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_exhausted_primary_rate_limit_is_waited_for_until_its_reset_and_the_run_goes_on()
    {
        await using var scenario = await GitHubScenario.CreateAsync();
        // 10 points per 15-minute window; the full sync needs 24 answered requests, so it runs dry twice.
        scenario.GitHub.RateLimit = 10;
        scenario.GitHub.RateLimitWindow = TimeSpan.FromMinutes(15);

        var outcome = await scenario.RunAsync();

        Assert.True(outcome.Succeeded, outcome.Error);
        var refused = scenario.GitHub.Served.Where(r => r.Status == 403).ToList();
        Assert.Equal(2, refused.Count);
        Assert.All(refused, r => Assert.Equal(0, r.Cost));
        // Each wait lasted until the window's reset plus the second of margin: no time passes between requests on
        // the fake clock, so each window ran dry the moment it began.
        Assert.Equal([TimeSpan.FromSeconds(15 * 60 + 1), TimeSpan.FromSeconds(15 * 60 + 1)], scenario.Clock.Waits);
        Assert.Equal(GitHubScenario.Start + TimeSpan.FromSeconds(2 * (15 * 60 + 1)), scenario.Clock.GetUtcNow());
        Assert.Equal(await ExpectedFullSyncCountsAsync(), await Snapshot.CountsAsync(scenario.Host.EngineStore));
        var waits = scenario.Host.Logs.Where(line => line.Contains("primary rate limit hit (403)", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, waits.Count);
        Assert.All(waits, line => Assert.StartsWith("Warning", line));
    }

    [Fact]
    public async Task A_run_cancelled_between_pages_and_started_again_ends_with_exactly_the_rows_of_an_uninterrupted_run()
    {
        var settings = new Dictionary<string, string?> { ["PageSize"] = "2" };
        await using var uninterrupted = await GitHubScenario.CreateAsync(settings: settings);
        Assert.True((await uninterrupted.RunAsync()).Succeeded);
        var expected = await uninterrupted.SnapshotAsync();

        await using var scenario = await GitHubScenario.CreateAsync(settings: settings);
        using var cancel = new CancellationTokenSource();
        scenario.GitHub.OnServed = request =>
        {
            // Page 2 of shop's commits: page 1's rows are stored by now, page 2's are about to be.
            if (request.PathAndQuery.Contains("/acme/shop/commits?", StringComparison.Ordinal) && request.PathAndQuery.Contains("page=2", StringComparison.Ordinal))
            {
                cancel.Cancel();
            }
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => scenario.RunAsync(cancel.Token));

        var cancelled = Assert.Single(await scenario.Get<IngestRunLog>().RecentRunsAsync(GitHubScenario.SourceName, 10));
        Assert.Equal(IngestRunStatus.Failed, cancelled.Status);
        Assert.Empty(await scenario.CursorsAsync());
        Assert.NotEqual(expected, await scenario.SnapshotAsync());

        scenario.GitHub.OnServed = null;
        var resumed = await scenario.RunAsync();

        Assert.True(resumed.Succeeded, resumed.Error);
        Assert.Equal(expected, await scenario.SnapshotAsync());
    }

    [Fact]
    public async Task ClickHouse_down_mid_run_fails_the_run_visibly_moves_no_cursor_and_the_next_run_catches_up()
    {
        var outage = new StoreOutage("pull_requests");
        await using var scenario = await GitHubScenario.CreateAsync(wrapStore: outage.Wrap);

        var failed = await scenario.RunAsync();

        Assert.Equal(IngestRunStatus.Failed, failed.Status);
        Assert.True(outage.WentDown);
        var recorded = Assert.Single(await scenario.Get<IngestRunLog>().RecentRunsAsync(GitHubScenario.SourceName, 10));
        Assert.Equal((IngestRunStatus.Failed, failed.Error), (recorded.Status, recorded.Error));
        Assert.Contains("Connection refused", recorded.Error);
        Assert.Empty(await scenario.CursorsAsync());
        // It failed mid-run, after staging commits: none of the run's rows is visible.
        Assert.Equal(0, await scenario.Host.CountAsync("commits FINAL"));
        Assert.Equal(0, await scenario.Host.CountAsync("pull_requests FINAL"));

        outage.IsDown = false;
        var caughtUp = await scenario.RunAsync();

        Assert.True(caughtUp.Succeeded, caughtUp.Error);
        Assert.Equal(await ExpectedFullSyncCountsAsync(), await Snapshot.CountsAsync(scenario.Host.EngineStore));
        Assert.NotEmpty(await scenario.CursorsAsync());
    }

    [Fact]
    public async Task The_token_never_appears_in_logs_run_errors_or_exception_messages()
    {
        await using var scenario = await GitHubScenario.CreateAsync(settings: new Dictionary<string, string?> { ["MaxRetries"] = "1" });
        Assert.True((await scenario.RunAsync()).Succeeded);
        Assert.Contains(scenario.Host.Logs, line => line.Contains("GitHub GET", StringComparison.Ordinal)); // requests are logged (Debug)…
        // …and now a proxy that echoes the request's Authorization header into its error page, on every try.
        scenario.GitHub.Fail(new FakeFault
        {
            Matches = path => path.Contains("/orgs/acme/repos", StringComparison.Ordinal),
            Times = int.MaxValue,
            Status = 500,
            ContentType = "application/json",
            Body = """{"message":"upstream rejected {authorization}"}""",
            EchoAuthorization = true,
        });

        var failed = await scenario.RunAsync();
        var error = await Assert.ThrowsAsync<GitHubIngestException>(() =>
            scenario.Source().RunAsync(new IngestContext(GitHubScenario.SourceName, failed.RunId, scenario.Get<IngestCursors>()), CancellationToken.None));

        Assert.Equal(IngestRunStatus.Failed, failed.Status);
        Assert.Contains("upstream rejected Token ***", failed.Error); // the echoed header reached the message, masked
        Assert.DoesNotContain(GitHubScenario.Token, failed.Error);
        Assert.DoesNotContain(GitHubScenario.Token, error.Message);
        Assert.Null(error.InnerException);
        var recorded = await scenario.Get<IngestRunLog>().RecentRunsAsync(GitHubScenario.SourceName, 10);
        Assert.All(recorded, run => Assert.DoesNotContain(GitHubScenario.Token, run.Error ?? ""));
        Assert.Contains(scenario.Host.Logs, line => line.Contains("upstream rejected Token ***", StringComparison.Ordinal));
        Assert.DoesNotContain(scenario.Host.Logs, line => line.Contains(GitHubScenario.Token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reading_everything_again_adds_no_duplicates()
    {
        await using var scenario = await GitHubScenario.CreateAsync();
        Assert.True((await scenario.RunAsync()).Succeeded);
        var first = await scenario.SnapshotAsync();
        // Forget every cursor: the next run reads and writes every row again.
        await scenario.Host.WithCatalogAsync(db => db.SourceCursors.ExecuteDeleteAsync());

        var again = await scenario.RunAsync();

        Assert.True(again.Succeeded, again.Error);
        Assert.Equal(7, again.RowsPerTable["commits"]);
        Assert.Equal(first, await scenario.SnapshotAsync());
        // FINAL rows are the distinct natural keys: nothing was stored twice.
        Assert.Equal(await ExpectedFullSyncCountsAsync(), await Snapshot.CountsAsync(scenario.Host.EngineStore));
        foreach (var (table, key) in new[] { ("commits", "repository, sha"), ("pull_requests", "repository, number"), ("deployments", "deployment_id"), ("incidents", "incident_id") })
        {
            Assert.Equal(await scenario.Host.CountAsync($"(SELECT DISTINCT {key} FROM {table})"), await scenario.Host.CountAsync($"{table} FINAL"));
        }
    }

    /// <summary>Rows per table after a full sync of <see cref="GitHubScenario.AcmeOrganisation"/> (checked one by one in the first test).</summary>
    private static Task<IReadOnlyDictionary<string, long>> ExpectedFullSyncCountsAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, long>>(new Dictionary<string, long>
        {
            ["commits"] = 6,
            ["pull_requests"] = 2,
            ["pull_request_commits"] = 2,
            ["pull_request_reviews"] = 3,
            ["deployments"] = 7,
            ["deployment_commits"] = 3,
            ["incidents"] = 2,
        });

    private sealed record CommitRow(string Repository, string Sha, string[] Parents, string AuthorEmail, DateTimeOffset CommittedAt, string Message, string Source);

    private sealed record PullRow(
        uint Number, string AuthorLogin, bool AuthorIsBot, string BaseBranch, DateTimeOffset OpenedAt, DateTimeOffset? FirstCommitAt,
        DateTimeOffset? FirstReviewAt, DateTimeOffset? MergedAt, DateTimeOffset? ClosedAt, string MergeSha);

    private sealed record PullCommitRow(uint Number, string Sha);

    private sealed record ReviewRow(string ReviewId, string ReviewerLogin, bool ReviewerIsBot, string State, DateTimeOffset SubmittedAt);

    private sealed record DeploymentRow(string DeploymentId, string Service, string Environment, string Status, string Sha, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt);

    private sealed record StatusRow(string DeploymentId, string Status);

    private sealed record IncidentRow(string IncidentId, string Service, string Severity, string Title, DateTimeOffset StartedAt, DateTimeOffset? ResolvedAt, string CausedByDeploymentId);

    private sealed record LinkRow(string DeploymentId, string Sha);

    private sealed record NumberRow(uint Number);

    private sealed record ShaRow(string Sha);
}
