namespace Analytics.Ingestors.Tests.Demo;

/// <summary>The generated events agree with each other and with the catalog, as real ingested data would.</summary>
public class DemoHistoryConsistencyTests(ScaleSFixture s) : IClassFixture<ScaleSFixture>
{
    [Fact]
    public void Every_timestamp_is_utc_millisecond_precise_and_inside_history()
    {
        var start = s.Generator.Start.UtcDateTime;
        var end = s.Generator.End.UtcDateTime;
        foreach (var table in s.Generator.Tables.Where(t => t.Columns.Any(c => c.EndsWith("_at", StringComparison.Ordinal))))
        {
            var checkedValues = 0;
            foreach (var value in table.Rows.SelectMany(row => row).OfType<DateTime>())
            {
                checkedValues++;
                if (value < start || value > end || value.Kind != DateTimeKind.Utc || value.Ticks % TimeSpan.TicksPerMillisecond != 0)
                {
                    Assert.Fail($"{table.Name}: {value:O} ({value.Kind}) is outside [{start:O}, {end:O}] or not UTC milliseconds");
                }
            }
            Assert.True(checkedValues > 0, table.Name);
        }
    }

    [Fact]
    public void Deployment_commits_name_commits_of_the_deployed_repository()
    {
        var commits = s.Commits.Rows.Select(r => (s.Commits.Text(r, "repository"), s.Commits.Text(r, "sha"))).ToHashSet();

        Assert.NotEmpty(s.DeploymentCommits.Rows);
        Assert.All(s.DeploymentCommits.Rows, r =>
        {
            Assert.Contains((s.DeploymentCommits.Text(r, "repository"), s.DeploymentCommits.Text(r, "sha")), commits);
            Assert.Equal("exact", s.DeploymentCommits.Text(r, "link"));
        });
    }

    [Fact]
    public void Each_commit_is_shipped_once_by_a_successful_production_deployment_of_its_service()
    {
        var successfulProduction = s.Deployments.Rows
            .Where(r => s.Deployments.Text(r, "environment") == "production" && s.Deployments.Text(r, "status") == "success")
            .ToDictionary(r => s.Deployments.Text(r, "deployment_id"), r => s.Deployments.Text(r, "service"));

        Assert.All(s.DeploymentCommits.Rows, r => Assert.Equal(successfulProduction[s.DeploymentCommits.Text(r, "deployment_id")], s.DeploymentCommits.Text(r, "service")));
        var shipped = s.DeploymentCommits.Rows.Select(r => (s.DeploymentCommits.Text(r, "repository"), s.DeploymentCommits.Text(r, "sha"))).ToList();
        Assert.Equal(shipped.Count, shipped.Distinct().Count());
    }

    [Fact]
    public void Commit_parents_exist_and_some_are_merge_commits()
    {
        var shas = s.Commits.Rows.Select(r => s.Commits.Text(r, "sha")).ToHashSet();
        var parents = s.Commits.Rows.Select(r => s.Commits.Get<string[]>(r, "parents")).ToList();

        Assert.All(parents.SelectMany(p => p), parent => Assert.Contains(parent, shas));
        Assert.Equal(s.Catalog.Services.Count, parents.Count(p => p.Length == 0));   // one root commit per repository
        Assert.Contains(parents, p => p.Length == 2);
    }

    [Fact]
    public void Merged_pull_requests_point_at_a_commit_of_their_repository()
    {
        var commits = s.Commits.Rows.Select(r => (s.Commits.Text(r, "repository"), s.Commits.Text(r, "sha"))).ToHashSet();
        var merged = s.PullRequests.Rows.Where(r => s.PullRequests.OptionalTime(r, "merged_at") is not null).ToList();

        Assert.NotEmpty(merged);
        Assert.All(merged, r =>
        {
            Assert.Contains((s.PullRequests.Text(r, "repository"), s.PullRequests.Text(r, "merge_sha")), commits);
            Assert.Equal(s.PullRequests.OptionalTime(r, "merged_at"), s.PullRequests.OptionalTime(r, "closed_at"));
        });
    }

    [Fact]
    public void Pull_requests_open_after_their_first_commit_and_include_open_and_abandoned_ones()
    {
        var prs = s.PullRequests;
        Assert.All(prs.Rows, r => Assert.True(prs.Time(r, "opened_at") > prs.Time(r, "first_commit_at")));
        Assert.Contains(prs.Rows, r => prs.OptionalTime(r, "closed_at") is null && prs.Text(r, "merge_sha") == "");
        Assert.Contains(prs.Rows, r => prs.OptionalTime(r, "closed_at") is not null && prs.OptionalTime(r, "merged_at") is null);
        Assert.Contains(prs.Rows, r => prs.Get<bool>(r, "author_is_bot"));
    }

    [Fact]
    public void First_review_is_the_earliest_review_by_a_human_other_than_the_author()
    {
        var authors = s.PullRequests.Rows.ToDictionary(
            r => (s.PullRequests.Text(r, "repository"), s.PullRequests.Get<uint>(r, "number")), r => s.PullRequests.Text(r, "author_login"));
        bool ByAuthor(object?[] review) =>
            authors[(s.PullRequestReviews.Text(review, "repository"), s.PullRequestReviews.Get<uint>(review, "number"))] == s.PullRequestReviews.Text(review, "reviewer_login");
        var pickups = s.PullRequestReviews.Rows
            .Where(r => !s.PullRequestReviews.Get<bool>(r, "reviewer_is_bot") && !ByAuthor(r))
            .GroupBy(r => (s.PullRequestReviews.Text(r, "repository"), s.PullRequestReviews.Get<uint>(r, "number")))
            .ToDictionary(g => g.Key, g => g.Min(r => s.PullRequestReviews.Time(r, "submitted_at")));

        Assert.All(s.PullRequests.Rows, r =>
        {
            var key = (s.PullRequests.Text(r, "repository"), s.PullRequests.Get<uint>(r, "number"));
            Assert.Equal(pickups.TryGetValue(key, out var first) ? first : null, s.PullRequests.OptionalTime(r, "first_review_at"));
        });
        // Both kinds of review the pickup leaves out are in the history.
        Assert.Contains(s.PullRequestReviews.Rows, r => s.PullRequestReviews.Get<bool>(r, "reviewer_is_bot"));
        Assert.Contains(s.PullRequestReviews.Rows, ByAuthor);
    }

    [Fact]
    public void Commit_authors_belong_to_the_team_owning_the_service_at_commit_time()
    {
        var people = s.Catalog.People.Where(p => !p.IsBot).ToDictionary(p => p.GitEmail, p => p.ExternalId);
        var bots = s.Catalog.People.Where(p => p.IsBot).Select(p => p.GitEmail).ToHashSet();
        var serviceOfRepository = s.Catalog.Services.ToDictionary(x => x.Repository, x => x.Slug);
        var humanCommits = 0;
        foreach (var row in s.Commits.Rows)
        {
            var email = s.Commits.Text(row, "author_email");
            if (bots.Contains(email))
            {
                continue;
            }
            humanCommits++;
            var person = people[email];
            var service = serviceOfRepository[s.Commits.Text(row, "repository")];
            foreach (var at in new[] { s.Commits.Time(row, "authored_at"), s.Commits.Time(row, "committed_at") })
            {
                var owner = s.OwnerAt(service, at);
                Assert.True(
                    s.Catalog.Memberships.Any(m => m.PersonExternalId == person && m.TeamSlug == owner && ScaleSFixture.Covers(m.ValidFrom, m.ValidTo, at)),
                    $"{email} committed to {service} at {at:O} but was not in its owning team {owner}");
            }
        }
        Assert.True(humanCommits > 1_000);
    }

    [Fact]
    public void Rollbacks_and_hotfixes_repair_an_earlier_production_deployment_of_the_same_service()
    {
        var deployments = s.Deployments;
        var byId = deployments.Rows.ToDictionary(r => deployments.Text(r, "deployment_id"));
        var repairs = deployments.Rows.Where(r => deployments.Text(r, "kind") is "rollback" or "hotfix").ToList();

        Assert.Contains(repairs, r => deployments.Text(r, "kind") == "rollback");
        Assert.Contains(repairs, r => deployments.Text(r, "kind") == "hotfix");
        Assert.All(repairs, r =>
        {
            var repaired = byId[deployments.Text(r, "related_deployment_id")];
            Assert.Equal(deployments.Text(r, "service"), deployments.Text(repaired, "service"));
            Assert.Equal("production", deployments.Text(repaired, "environment"));
            Assert.True(deployments.Time(repaired, "started_at") < deployments.Time(r, "started_at"));
        });
        Assert.All(deployments.Rows.Where(r => deployments.Text(r, "kind") == "normal"), r => Assert.Equal("", deployments.Text(r, "related_deployment_id")));
    }

    [Fact]
    public void Deployments_take_minutes_and_some_attempts_fail()
    {
        var deployments = s.Deployments;
        Assert.All(deployments.Rows, r =>
        {
            var minutes = (deployments.Time(r, "finished_at") - deployments.Time(r, "started_at")).TotalMinutes;
            Assert.InRange(minutes, 1, 15);
            Assert.StartsWith(deployments.Text(r, "service") + "-", deployments.Text(r, "deployment_id"), StringComparison.Ordinal);
        });
        Assert.Contains(deployments.Rows, r => deployments.Text(r, "status") == "failure");
        Assert.Contains(deployments.Rows, r => deployments.Text(r, "environment") == "staging");
    }

    [Fact]
    public void Incidents_follow_deployments_and_a_few_are_still_open()
    {
        var incidents = s.Incidents;
        var deployments = s.Deployments.Rows.ToDictionary(r => s.Deployments.Text(r, "deployment_id"));

        Assert.InRange(incidents.Rows.Count(r => incidents.OptionalTime(r, "resolved_at") is null), 2, 3);
        Assert.All(incidents.Rows.Where(r => incidents.OptionalTime(r, "resolved_at") is not null),
            r => Assert.True(incidents.OptionalTime(r, "resolved_at") > incidents.Time(r, "started_at")));
        var attributed = incidents.Rows.Where(r => incidents.Text(r, "caused_by_deployment_id") != "").ToList();
        Assert.InRange(attributed.Count / (double)incidents.Rows.Count, 0.35, 0.65);
        Assert.All(attributed, r =>
        {
            var cause = deployments[incidents.Text(r, "caused_by_deployment_id")];
            Assert.Equal(incidents.Text(r, "service"), s.Deployments.Text(cause, "service"));
            Assert.True(incidents.Time(r, "started_at") > s.Deployments.Time(cause, "finished_at"));
        });
        Assert.Subset(new HashSet<string> { "sev1", "sev2", "sev3" }, incidents.Rows.Select(r => incidents.Text(r, "severity")).ToHashSet());
    }
}
