using System.Text.Json.Nodes;
using Analytics.Ingestors.GitHub;
using Analytics.Simulators.GitHub;
using Octokit;
using Octokit.Internal;

namespace Analytics.Ingestors.Tests.GitHub;

/// <summary>
/// The mapping rules one by one, on Octokit models read (by Octokit's own serializer) from the real response examples
/// the simulator embeds (GitHubFixtures) with the fields each rule is about changed.
/// </summary>
public sealed class GitHubRowsTests
{
    private static readonly SimpleJsonSerializer Serializer = new();

    private static T Read<T>(string fixture, Action<JsonObject> change)
    {
        var json = GitHubFixtures.Load(fixture);
        change(json);
        return Serializer.Deserialize<T>(json.ToJsonString());
    }

    private static DeploymentStatus Status(long id, string state, string at) => Read<DeploymentStatus>("deployment-status", json =>
    {
        json["id"] = id;
        json["state"] = state;
        json["created_at"] = at;
    });

    [Fact]
    public void A_deployment_replaced_by_a_newer_one_keeps_the_success_it_had_and_its_time()
    {
        var statuses = new[] { Status(1, "in_progress", "2026-03-02T12:11:00Z"), Status(2, "success", "2026-03-02T12:20:00Z"), Status(3, "inactive", "2026-03-02T16:00:00Z") };

        var (status, finishedAt, url) = GitHubRows.DeploymentState(statuses);

        Assert.Equal(("success", new DateTimeOffset(2026, 3, 2, 12, 20, 0, TimeSpan.Zero)), (status, finishedAt));
        Assert.Equal("https://example.com/deployment/42/output", url); // the example's log_url
    }

    [Theory]
    [InlineData("failure", "failure", true)]
    [InlineData("error", "error", true)]
    [InlineData("in_progress", "in_progress", false)]
    [InlineData("queued", "queued", false)]
    [InlineData("pending", "queued", false)]
    public void The_latest_status_decides_and_only_final_ones_have_a_finish_time(string state, string expected, bool finished)
    {
        var (status, finishedAt, _) = GitHubRows.DeploymentState([Status(1, "in_progress", "2026-03-02T12:00:00Z"), Status(2, state, "2026-03-02T12:30:00Z")]);

        Assert.Equal(expected, status);
        Assert.Equal(finished, finishedAt is not null);
    }

    [Fact]
    public void A_deployment_without_statuses_is_queued_and_one_only_ever_inactive_is_cancelled()
    {
        Assert.Equal("queued", GitHubRows.DeploymentState([]).Status);
        Assert.Equal("cancelled", GitHubRows.DeploymentState([Status(1, "inactive", "2026-03-02T12:00:00Z")]).Status);
    }

    [Theory]
    [InlineData("completed", "success", "success", true)]
    [InlineData("completed", "failure", "failure", true)]
    [InlineData("completed", "timed_out", "failure", true)]
    [InlineData("completed", "cancelled", "cancelled", true)]
    [InlineData("completed", "skipped", "cancelled", true)]
    [InlineData("completed", "action_required", "queued", false)]
    [InlineData("in_progress", null, "in_progress", false)]
    [InlineData("queued", null, "queued", false)]
    [InlineData("waiting", null, "queued", false)]
    public void A_workflow_runs_status_comes_from_its_conclusion_once_completed(string runStatus, string? conclusion, string expected, bool finished)
    {
        var run = Read<WorkflowRun>("workflow-run", json =>
        {
            json["status"] = runStatus;
            json["conclusion"] = conclusion;
            json["updated_at"] = "2026-03-02T12:15:00Z";
        });

        var (status, finishedAt) = GitHubRows.WorkflowRunState(run);

        Assert.Equal(expected, status);
        Assert.Equal(finished ? new DateTimeOffset(2026, 3, 2, 12, 15, 0, TimeSpan.Zero) : null, finishedAt);
    }

    [Theory]
    [InlineData("Checkout fails.\nCaused by deployment: 1002.", "github-deployment-1002")]
    [InlineData("caused-by-deployment #77", "github-deployment-77")]
    [InlineData("Deployment: shop@v1.2.0", "shop@v1.2.0")]
    [InlineData("deployment_id = github-run-42, rolled back since", "github-run-42")]
    [InlineData("After the deployment failed everything was slow.", null)]
    [InlineData("No deployment named.", null)]
    [InlineData("", null)]
    public void The_deployment_an_incident_names_in_its_body_is_found_and_a_bare_number_is_a_GitHub_deployment(string body, string? expected)
    {
        Assert.Equal(expected, GitHubRows.CausedByDeployment(body));
    }

    [Theory]
    [InlineData("sev1", "sev1")]
    [InlineData("SEV-2", "sev2")]
    [InlineData("severity: 4", "sev4")]
    [InlineData("severity/5", "sev5")]
    [InlineData("sev6", null)]
    [InlineData("incident", null)]
    public void Severity_labels_are_recognised(string label, string? expected)
    {
        Assert.Equal(expected, GitHubRows.SeverityFromLabel(label));
    }

    [Fact]
    public void An_incident_takes_its_severity_from_a_label_else_the_default_and_is_resolved_only_when_closed()
    {
        var reopened = Read<Issue>("issue", json =>
        {
            json["state"] = "open";
            json["closed_at"] = "2026-03-02T16:30:00Z"; // closed once, reopened since
            json["labels"] = new JsonArray(new JsonObject { ["name"] = "incident" });
            json["body"] = "";
        });
        var closed = Read<Issue>("issue", json =>
        {
            json["state"] = "closed";
            json["closed_at"] = "2026-03-02T16:30:00Z";
            json["labels"] = new JsonArray(new JsonObject { ["name"] = "incident" }, new JsonObject { ["name"] = "Sev 1" });
        });

        var open = GitHubRows.Incident("shop", "acme/shop", reopened, "sev3", "acme");
        var resolved = GitHubRows.Incident("shop", "acme/shop", closed, "sev3", "acme");

        Assert.Equal(("acme/shop#1347", "sev3", (DateTimeOffset?)null), ((string)open[0]!, (string)open[2]!, (DateTimeOffset?)open[5]));
        Assert.Equal(("sev1", (DateTimeOffset?)new DateTimeOffset(2026, 3, 2, 16, 30, 0, TimeSpan.Zero)), ((string)resolved[2]!, (DateTimeOffset?)resolved[5]));
    }

    [Fact]
    public void A_commits_row_keeps_its_parents_in_order_and_the_subject_of_its_message()
    {
        var commit = Read<GitHubCommit>("commit", json =>
        {
            json["parents"] = new JsonArray(new JsonObject { ["sha"] = "p1" }, new JsonObject { ["sha"] = "p2" });
            json["commit"]!["message"] = "Merge pull request #7\n\nfrom acme/cart";
        });

        var row = GitHubRows.Commit("acme/shop", commit, "acme");

        Assert.Equal(["p1", "p2"], (string[])row[2]!);
        Assert.Equal("Merge pull request #7", row[8]);
        Assert.Equal(("support@github.com", new DateTimeOffset(2011, 4, 14, 16, 0, 49, TimeSpan.Zero)), ((string)row[3]!, (DateTimeOffset)row[5]!));
    }

    [Fact]
    public void Pulled_rows_carry_what_the_deployment_kind_rules_read_and_state_no_kind()
    {
        var commit = Read<GitHubCommit>("commit", json =>
            json["commit"]!["message"] = "Revert \"Add cache\"\n\nThis reverts commit 6DCB09B5B57875F334F61AEBED695E2E4193DB5E.");
        var pull = Read<PullRequest>("pull-request", json =>
        {
            json["head"]!["ref"] = "hotfix/login";
            json["labels"] = new JsonArray(new JsonObject { ["id"] = 1, ["name"] = "type: hotfix" });
        });
        var release = Read<Release>("release", json => json["tag_name"] = "v2.0.1-hotfix");
        var statuses = new[] { Status(2, "success", "2026-03-02T12:20:00Z") };

        var commitRow = GitHubRows.Commit("acme/shop", commit, "acme");
        var pullRow = GitHubRows.PullRequest("acme/shop", pull, [], [], "acme");
        var deploymentRow = GitHubRows.Deployment("shop", "acme/shop", 42, "production", "abc", DateTimeOffset.UnixEpoch, statuses, "acme", "hotfix/login");
        var releaseRow = GitHubRows.ReleaseDeployment("shop", "acme/shop", "production", release, "abc", "acme");

        Assert.Equal("Revert \"Add cache\"", commitRow[8]);
        Assert.Equal(["6dcb09b5b57875f334f61aebed695e2e4193db5e"], (string[])commitRow[Array.IndexOf(GitHubRows.CommitColumns, "reverts")]!);
        Assert.Equal("hotfix/login", pullRow[Array.IndexOf(GitHubRows.PullRequestColumns, "head_branch")]);
        Assert.Equal(["type: hotfix"], (string[])pullRow[Array.IndexOf(GitHubRows.PullRequestColumns, "labels")]!);
        var kind = Array.IndexOf(GitHubRows.DeploymentColumns, "kind");
        var reference = Array.IndexOf(GitHubRows.DeploymentColumns, "ref");
        Assert.Equal(("", "hotfix/login"), (deploymentRow[kind], deploymentRow[reference]));
        Assert.Equal(("", "refs/tags/v2.0.1-hotfix"), (releaseRow[kind], releaseRow[reference]));
    }

    [Theory]
    [InlineData("https://api.github.com/", "https://api.github.com/")]
    [InlineData("https://github.com/", "https://api.github.com/")]
    [InlineData("https://github.acme.test/", "https://github.acme.test/api/v3/")]
    [InlineData("https://github.acme.test/api/v3/", "https://github.acme.test/api/v3/")]
    public void GitHub_Enterprise_Server_is_reached_under_api_v3_as_Octokit_does_it(string baseUrl, string expected)
    {
        Assert.Equal(new Uri(expected), GitHubSourceSettings.ApiAddress(new Uri(baseUrl)));
    }
}
