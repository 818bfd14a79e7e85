using Analytics.Ingestors.GitLab;
using Analytics.Ingestors.Tests.GitHub;
using Analytics.Simulators.GitHub;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace Analytics.Ingestors.Tests.GitLab;

/// <summary>
/// The GitLab source against the GitLab simulator (real Kestrel, real HttpClient), writing into the real engine and a
/// real SQLite catalog. The group is <see cref="GitHubScenario.AcmeOrganisation"/> served as GitLab serves it.
/// </summary>
public sealed class GitLabSyncTests
{
    private static string Sha(string name) => FakeRepository.Pad(name);

    private static DateTimeOffset At(int hour, int minute = 0) => GitHubScenario.At(hour, minute);

    [Fact]
    public async Task A_full_sync_stores_the_default_branch_merge_requests_with_approvals_and_comments_and_deployments()
    {
        await using var scenario = await GitLabScenario.CreateAsync();

        var outcome = await scenario.RunAsync();

        Assert.True(outcome.Succeeded, outcome.Error);
        var store = scenario.Host.EngineStore;
        // The default branches' histories with parents (f1 through c2's merge); d1 is only on the open merge request's branch.
        var commits = (await store.QueryAsync<CommitRow>("SELECT repository, sha, parents, committed_at, message, source FROM commits FINAL ORDER BY committed_at, sha")).ToList();
        Assert.Equal([Sha("b1"), Sha("c1"), Sha("f1"), Sha("c2"), Sha("c3")], commits.Select(c => c.Sha));
        Assert.Equal([Sha("c1"), Sha("f1")], commits.Single(c => c.Sha == Sha("c2")).Parents);
        Assert.Equal(("acme/shop", At(10), "Add cart", GitLabScenario.SourceName), commits.Select(c => (c.Repository, c.CommittedAt, c.Message, c.Source)).ElementAt(2));

        Assert.Equal(
        [
            // First review: ana's approval at 11:00 (from approved_at) — ben's own comment and the bot's do not count.
            new PullRow(1, "ben", false, "main", At(10, 30), At(10), At(11), At(12), At(12), Sha("c2"), "https://gitlab.acme.test/acme/shop/-/merge_requests/1"),
            new PullRow(2, "dependabot[bot]", true, "main", At(13), At(13), null, null, null, "", "https://gitlab.acme.test/acme/shop/-/merge_requests/2"),
        ], await store.QueryAsync<PullRow>(
            "SELECT number, author_login, author_is_bot, base_branch, opened_at, first_commit_at, first_review_at, merged_at, closed_at, merge_sha, url FROM pull_requests FINAL ORDER BY number"));
        Assert.Equal(["1 " + Sha("f1"), "2 " + Sha("d1")],
            (await store.QueryAsync<PullCommitRow>("SELECT number, sha FROM pull_request_commits FINAL ORDER BY number")).Select(r => $"{r.Number} {r.Sha}"));
        Assert.Equal(
        [
            new ReviewRow("ben", false, "commented", At(10, 40)),
            new ReviewRow("ci-bot[bot]", true, "commented", At(10, 45)),
            new ReviewRow("ana", false, "approved", At(11)),
        ], await store.QueryAsync<ReviewRow>("SELECT reviewer_login, reviewer_is_bot, state, submitted_at FROM pull_request_reviews FINAL ORDER BY submitted_at"));

        Assert.Equal(
        [
            new DeploymentRow("gitlab-deployment-1001", "shop", "production", "success", Sha("c2"), At(12, 10), At(12, 20)),
            new DeploymentRow("gitlab-deployment-1002", "shop", "production", "failure", Sha("c3"), At(15, 10), At(15, 15)),
            new DeploymentRow("gitlab-deployment-1003", "shop", "staging", "in_progress", Sha("c3"), At(15, 20), null),
        ], await store.QueryAsync<DeploymentRow>("SELECT deployment_id, service, environment, status, sha, started_at, finished_at FROM deployments FINAL ORDER BY deployment_id"));
        // c3 shipped by 1002 (failed: not shipped), c2 and its history by 1001, exactly.
        Assert.Equal(0, await scenario.Host.CountAsync("deployment_commits FINAL", "link = 'inferred'"));
        Assert.True(await scenario.Host.CountAsync("deployment_commits FINAL", $"deployment_id = 'gitlab-deployment-1001' AND sha = '{Sha("f1")}'") == 1);
        Assert.Equal(["acme/billing", "acme/shop"], await scenario.Host.WithCatalogAsync(async db =>
            (await db.Services.Select(s => s.Repository).ToListAsync()).Order(StringComparer.Ordinal).ToList()));
    }

    /// <summary>
    /// GitLab's environments API gives each environment a tier: "live", which no name rule calls production, is tiered
    /// production, so its deployment is a production deployment; staging (tier staging) stays out. The tier is stored with
    /// each deployment and the admin page's list of environment names shows it as the reason.
    /// </summary>
    [Fact]
    public async Task An_environment_GitLab_tiers_production_is_production_whatever_its_name()
    {
        var acme = GitHubScenario.AcmeOrganisation();
        var shop = acme.Repositories[0];
        var live = new FakeDeployment { Id = 1004, Sha = FakeRepository.Pad("c3"), Environment = "live", CreatedAt = At(16) };
        live.Statuses.Add(new FakeDeploymentStatus(6, "success", At(16, 5)));
        shop.Deployments.Add(live);
        shop.EnvironmentTiers["live"] = "production";
        await using var scenario = await GitLabScenario.CreateAsync(acme);

        var outcome = await scenario.RunAsync();

        Assert.True(outcome.Succeeded, outcome.Error);
        var store = scenario.Host.EngineStore;
        Assert.Equal(["gitlab-deployment-1001 production production", "gitlab-deployment-1002 production production", "gitlab-deployment-1003 staging staging", "gitlab-deployment-1004 live production"],
            (await store.QueryAsync<TierRow>("SELECT concat(deployment_id, ' ', environment, ' ', environment_tier) AS text FROM deployments FINAL ORDER BY deployment_id")).Select(r => r.Text));
        Assert.Equal(["gitlab-deployment-1001", "gitlab-deployment-1004"],
            (await store.QueryAsync<TierRow>("SELECT deployment_id AS text FROM production_deployments ORDER BY deployment_id")).Select(r => r.Text));
        var seen = await new Analytics.Storage.Metrics.EnvironmentNameQueries(store, new SqlFiles()).SeenAsync();
        var liveName = Assert.Single(seen, name => name.Environment == "live");
        Assert.Equal(("production", true, "production: the source gives it tier production"), (liveName.Tier, liveName.IsProduction, liveName.Reason));
        // One request for the environments of the project whose deployments were written; none on an unchanged re-sync.
        Assert.Single(scenario.GitLab.Served, r => r.PathAndQuery.Contains("/environments?", StringComparison.Ordinal));
        var again = await scenario.RunAsync();
        Assert.True(again.Succeeded, again.Error);
        Assert.Single(scenario.GitLab.Served, r => r.PathAndQuery.Contains("/environments?", StringComparison.Ordinal));
    }

    private sealed record TierRow(string Text);

    [Theory]
    [InlineData("merge", "c2")]
    [InlineData("squash", "c2")]
    [InlineData("fast-forward", "f1")]
    public async Task A_merged_request_keeps_the_sha_that_reached_its_target_branch_as_GitHub_does(string method, string expected)
    {
        var acme = GitHubScenario.AcmeOrganisation();
        acme.Repositories[0].Pulls[0].MergeMethod = method;
        await using var scenario = await GitLabScenario.CreateAsync(acme);

        var outcome = await scenario.RunAsync();

        Assert.True(outcome.Succeeded, outcome.Error);
        // merge: merge_commit_sha; squash: squash_commit_sha (merge_commit_sha null); fast-forward: neither, so the head (f1).
        Assert.Equal(Sha(expected), (await scenario.Host.EngineStore.QueryAsync<MergeShaRow>("SELECT merge_sha FROM pull_requests FINAL WHERE number = 1")).Single().MergeSha);
    }

    [Fact]
    public async Task Without_the_approvals_endpoint_the_approvals_come_from_the_system_notes()
    {
        await using var scenario = await GitLabScenario.CreateAsync();
        scenario.GitLab.Fail(new FakeFault
        {
            Matches = path => path.Contains("/approvals", StringComparison.Ordinal), Status = 403, Times = int.MaxValue,
            ContentType = "application/json", Body = """{"message":"403 Forbidden"}""",
        });

        var outcome = await scenario.RunAsync();

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal(("ana", "approved", At(11)), (await scenario.Host.EngineStore.QueryAsync<ReviewRow>(
            "SELECT reviewer_login, reviewer_is_bot, state, submitted_at FROM pull_request_reviews FINAL WHERE state = 'approved'")).Select(r => (r.ReviewerLogin, r.State, r.SubmittedAt)).Single());
        Assert.Equal(At(11), (await scenario.Host.EngineStore.QueryAsync<FirstReviewRow>("SELECT first_review_at FROM pull_requests FINAL WHERE number = 1")).Single().FirstReviewAt);
    }

    [Fact]
    public async Task An_unchanged_resync_writes_nothing_and_asks_each_list_once_then_a_change_writes_only_itself()
    {
        await using var scenario = await GitLabScenario.CreateAsync();

        var served = await scenario.SyncThenResyncUnchangedAsync();

        // The group's projects, then per project its commits' first page and the deployments updated since the
        // cursor, then the group's merge requests updated since its cursor: one request each, all answered (GitLab
        // does not answer If-None-Match with 304).
        Assert.Equal(1 + 2 * 2 + 1, served.Count);
        Assert.All(served, request => Assert.Equal(200, request.Status));
        Assert.Contains(served, request => request.PathAndQuery.Contains("/groups/acme/merge_requests?", StringComparison.Ordinal)
            && request.PathAndQuery.Contains("updated_after=2026-03-02T13%3A00%3A00.000Z", StringComparison.Ordinal));

        var shop = scenario.GitLab.Groups[0].Repositories[0];
        var bump = shop.Pulls.Single(p => p.Number == 2);
        (bump.MergedAt, bump.ClosedAt, bump.UpdatedAt, bump.MergeCommitSha) = (At(17), At(17), At(17), Sha("c3"));
        scenario.GitLab.ClearServed();

        var changed = await scenario.RunAsync();

        Assert.True(changed.Succeeded, changed.Error);
        Assert.Equal(1, changed.RowsPerTable["pull_requests"]);
        Assert.Equal(At(17), (await scenario.Host.EngineStore.QueryAsync<MergedRow>("SELECT merged_at FROM pull_requests FINAL WHERE number = 2")).Single().MergedAt);
    }

    [Fact]
    public async Task Small_pages_are_followed_through_the_link_header_and_read_everything()
    {
        await using var paged = await GitLabScenario.CreateAsync(settings: new Dictionary<string, string?> { ["PageSize"] = "1" });
        await using var whole = await GitLabScenario.CreateAsync();

        var outcome = await paged.RunAsync();
        Assert.True((await whole.RunAsync()).Succeeded);

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal(await Snapshot.CountsAsync(whole.Host.EngineStore), await Snapshot.CountsAsync(paged.Host.EngineStore));
        Assert.Contains(paged.GitLab.Served, r => r.PathAndQuery.Contains("/groups/acme/projects?", StringComparison.Ordinal) && r.PathAndQuery.EndsWith("page=2", StringComparison.Ordinal));
        Assert.Contains(paged.GitLab.Served, r => r.PathAndQuery.Contains("/deployments?", StringComparison.Ordinal) && r.PathAndQuery.EndsWith("page=3", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_429_is_waited_for_as_long_as_Retry_After_says_and_an_exhausted_window_until_it_resets()
    {
        await using var scenario = await GitLabScenario.CreateAsync();
        scenario.GitLab.Fail(new FakeFault
        {
            Matches = path => path.Contains("/merge_requests?", StringComparison.Ordinal),
            Status = 429,
            ContentType = "application/json",
            Body = """{"message":"Retry later"}""",
            Headers = new() { ["Retry-After"] = "42" },
        });
        scenario.GitLab.RateLimit = 5;

        var outcome = await scenario.RunAsync();

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Contains(TimeSpan.FromSeconds(42), scenario.Clock.Waits);
        // Five answers a minute: the run waited for the window to reset at least once, and got everything.
        Assert.Contains(scenario.GitLab.Served, r => r.Status == 429 && r.Cost == 0);
        Assert.True(scenario.Clock.Waited >= TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(42), $"waited {scenario.Clock.Waited}");
        Assert.Equal(3, await scenario.Host.CountAsync("deployments FINAL"));
        Assert.Contains(scenario.Host.Logs, line => line.Contains("GitLab rate limit hit (429)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_5xx_and_a_truncated_body_are_retried_and_the_run_succeeds()
    {
        await using var scenario = await GitLabScenario.CreateAsync();
        scenario.GitLab.Fail(new FakeFault { Matches = path => path.Contains("/repository/commits?", StringComparison.Ordinal), Status = 502 });
        scenario.GitLab.Fail(new FakeFault { Matches = path => path.Contains("/deployments?", StringComparison.Ordinal), Truncated = true });

        var outcome = await scenario.RunAsync();

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Contains(scenario.GitLab.Served, r => r.Status == 502);
        Assert.Equal(3, await scenario.Host.CountAsync("deployments FINAL"));
        // The truncated list was asked for again: one request more than the two projects' lists.
        Assert.Equal(3, scenario.GitLab.Served.Count(r => r.PathAndQuery.Contains("/deployments?", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("wrong token", null, "GitLab answered 401 Unauthorized to GET /api/v4/groups/acme/projects: 401 Unauthorized")]
    [InlineData(null, "acme/shop/deployments", "GitLab answered 403 Forbidden to GET /api/v4/projects/acme%2Fshop/deployments: 403 Forbidden")]
    [InlineData(null, "truncated", "GitLab's answer to GET /api/v4/projects/acme%2Fshop/merge_requests/1/notes was cut short or is not JSON")]
    public async Task A_refused_or_unreadable_answer_fails_the_run_with_a_message_naming_it_and_never_the_token(string? token, string? failing, string expected)
    {
        await using var scenario = await GitLabScenario.CreateAsync(settings: token is null ? null : new Dictionary<string, string?> { ["Token"] = token });
        if (failing == "truncated")
        {
            scenario.GitLab.Fail(new FakeFault { Matches = path => path.Contains("/merge_requests/1/notes", StringComparison.Ordinal), Truncated = true, Times = int.MaxValue });
        }
        else if (failing is not null)
        {
            scenario.GitLab.Fail(new FakeFault
            {
                Matches = path => path.Contains("acme%2Fshop/deployments", StringComparison.Ordinal), Status = 403, Times = int.MaxValue,
                ContentType = "application/json", Body = """{"message":"403 Forbidden"}""",
            });
        }

        var outcome = await scenario.RunAsync();

        Assert.Equal(IngestRunStatus.Failed, outcome.Status);
        Assert.Contains(expected, outcome.Error);
        Assert.DoesNotContain(GitLabScenario.Token, outcome.Error);
        Assert.DoesNotContain("   at ", outcome.Error);
        Assert.DoesNotContain(scenario.Host.Logs, line => line.Contains(GitLabScenario.Token, StringComparison.Ordinal));
        // A failed run saves no cursor: the next run reads everything again.
        Assert.Empty(await scenario.Host.WithCatalogAsync(db => db.SourceCursors.Where(c => c.Source.Name == GitLabScenario.SourceName).ToListAsync()));
    }

    [Fact]
    public async Task A_record_that_cannot_be_read_is_a_warning_naming_it_and_the_rest_of_its_page_is_stored()
    {
        await using var scenario = await GitLabScenario.CreateAsync();
        var shop = scenario.GitLab.Groups[0].Repositories[0].Id;
        scenario.GitLab.Fail(new FakeFault
        {
            // The group's list, which names each merge request's project.
            Matches = path => path.Contains("/groups/acme/merge_requests?", StringComparison.Ordinal),
            Status = 200,
            ContentType = "application/json",
            Body = $$"""
                [{"id": 7007, "iid": 7, "project_id": {{shop}}, "title": "Broken", "created_at": "yesterday", "updated_at": "2026-03-02T09:00:00Z"},
                 {"id": 7002, "iid": 2, "project_id": {{shop}}, "title": "Bump lodash", "state": "opened", "target_branch": "main", "source_branch": "deps",
                  "author": {"id": 3, "username": "dependabot[bot]"}, "created_at": "2026-03-02T13:00:00Z", "updated_at": "2026-03-02T13:00:00Z"}]
                """,
        });

        var outcome = await scenario.RunAsync();

        Assert.True(outcome.Succeeded, outcome.Error);
        var warning = Assert.Single(outcome.Warnings);
        Assert.StartsWith("acme/shop: merge request !7 skipped: ", warning);
        Assert.Contains("created_at", warning);
        Assert.Equal([2u], (await scenario.Host.EngineStore.QueryAsync<NumberRow>("SELECT number FROM pull_requests FINAL")).Select(r => r.Number));
    }

    [Fact]
    public void Settings_name_each_problem_and_never_show_the_token()
    {
        var section = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Analytics:Sources:lab:Kind"] = "gitlab",
            ["Analytics:Sources:lab:BaseUrl"] = "http://gitlab.acme.test",
            ["Analytics:Sources:lab:Projects"] = "shop",
            ["Analytics:Sources:lab:Authentication"] = "basic",
            ["Analytics:Sources:lab:PageSize"] = "500",
        }).Build().GetSection("Analytics:Sources:lab");

        var problems = GitLabSourceSettings.Validate(section);

        Assert.Equal(
        [
            "Analytics:Sources:lab:Token must hold a GitLab token: set it with user-secrets or the environment variable Analytics__Sources__lab__Token (it is never logged).",
            "Analytics:Sources:lab:BaseUrl must be https (was http://gitlab.acme.test): the token would travel in clear over http; only loopback addresses may use http.",
            "Analytics:Sources:lab:Authentication must be private-token (an access token, sent as PRIVATE-TOKEN) or bearer (an OAuth token).",
            "Analytics:Sources:lab:Projects: 'shop' is not a project's full path (group/name).",
            "Analytics:Sources:lab:PageSize must be a whole number from 1 to 100.",
        ], problems);
        var parsed = GitLabSourceSettings.Parse(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Analytics:Sources:lab:Token"] = "glpat-x", ["Analytics:Sources:lab:Groups"] = "acme, acme/platform",
            ["Analytics:Sources:lab:BaseUrl"] = "https://gitlab.acme.test/gitlab",
        }).Build().GetSection("Analytics:Sources:lab"));
        Assert.Equal(("lab", new Uri("https://gitlab.acme.test/gitlab/api/v4/")), (parsed.Name, parsed.ApiAddress()));
        Assert.Equal(["acme", "acme/platform"], parsed.Groups);
    }

    private sealed record CommitRow(string Repository, string Sha, string[] Parents, DateTimeOffset CommittedAt, string Message, string Source);

    private sealed record PullRow(
        uint Number, string AuthorLogin, bool AuthorIsBot, string BaseBranch, DateTimeOffset OpenedAt, DateTimeOffset? FirstCommitAt,
        DateTimeOffset? FirstReviewAt, DateTimeOffset? MergedAt, DateTimeOffset? ClosedAt, string MergeSha, string Url);

    private sealed record PullCommitRow(uint Number, string Sha);

    private sealed record ReviewRow(string ReviewerLogin, bool ReviewerIsBot, string State, DateTimeOffset SubmittedAt);

    private sealed record DeploymentRow(string DeploymentId, string Service, string Environment, string Status, string Sha, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt);

    private sealed record MergedRow(DateTimeOffset? MergedAt);

    private sealed record MergeShaRow(string MergeSha);

    private sealed record FirstReviewRow(DateTimeOffset? FirstReviewAt);

    private sealed record NumberRow(uint Number);
}
