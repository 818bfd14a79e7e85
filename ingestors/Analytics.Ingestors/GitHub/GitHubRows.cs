using System.Text.RegularExpressions;
using Analytics.Ingestors.Sources;
using Octokit;

namespace Analytics.Ingestors.GitHub;

/// <summary>
/// GitHub objects (Octokit's models) as rows of the event tables. Pure functions, so each rule is tested on its own.
/// Every time that is part of a table's sort key is one GitHub never changes (created, submitted, committed), so
/// reading an object again replaces its row instead of adding one.
/// </summary>
public static partial class GitHubRows
{
    public static readonly string[] CommitColumns =
        ["repository", "sha", "parents", "author_email", "author_name", "authored_at", "committer_email", "committed_at", "message", "source", "reverts"];

    public static readonly string[] PullRequestColumns =
        ["repository", "number", "title", "author_login", "author_is_bot", "base_branch", "opened_at", "first_commit_at", "first_review_at", "merged_at", "closed_at", "merge_sha", "url", "source", "head_branch", "labels"];

    public static readonly string[] PullRequestCommitColumns = ["repository", "number", "sha"];

    public static readonly string[] ReviewColumns =
        ["repository", "number", "review_id", "reviewer_login", "reviewer_is_bot", "state", "submitted_at", "source"];

    public static readonly string[] DeploymentColumns =
        ["deployment_id", "service", "environment", "status", "kind", "related_deployment_id", "repository", "sha", "started_at", "finished_at", "url", "source", "ref"];

    public static readonly string[] IncidentColumns =
        ["incident_id", "service", "severity", "title", "started_at", "resolved_at", "caused_by_deployment_id", "url", "source"];

    /// <summary>The stored id of a GitHub deployment: its number is unique on the GitHub instance.</summary>
    public static string DeploymentId(long gitHubDeploymentId) => $"github-deployment-{gitHubDeploymentId}";

    /// <summary>The stored id of an Actions run counted as a deployment (a re-run keeps its id and replaces the row).</summary>
    public static string WorkflowRunId(long runId) => $"github-run-{runId}";

    /// <summary>A release as the git ingestor names a tag deployment, so both sources agree on one row.</summary>
    public static string ReleaseId(string service, string tag) => $"{service}@{tag}";

    public static string IncidentId(string repository, int number) => $"{repository}#{number}";

    public static bool IsBot(User? user) => user?.Type is AccountType.Bot;

    public static object?[] Commit(string repository, GitHubCommit commit, string source) =>
        CommitRow(repository, commit.Sha, commit.Commit, commit.Parents, source);

    /// <summary>A commit of a pull request as a row of commits: they are commits of the repository, merged or not.</summary>
    public static object?[] Commit(string repository, PullRequestCommit commit, string source) =>
        CommitRow(repository, commit.Sha, commit.Commit, commit.Parents, source);

    /// <param name="commits">The pull request's commits (for the first commit's time).</param>
    /// <param name="reviews">Its reviews (for the first review by someone else than the author, not a bot).</param>
    public static object?[] PullRequest(string repository, PullRequest pull, IReadOnlyList<PullRequestCommit> commits, IReadOnlyList<PullRequestReview> reviews, string source) =>
        PullRequest(
            repository, Facts(pull),
            commits.Select(c => c.Commit?.Author?.Date ?? c.Commit?.Committer?.Date ?? pull.CreatedAt), reviews.Select(Facts), source);

    /// <summary>A pull request's row from what both APIs (REST and GraphQL) say of it.</summary>
    /// <param name="commitTimes">Its commits' author times (the committer's when a commit has no author time).</param>
    public static object?[] PullRequest(string repository, PullRequestFacts pull, IEnumerable<DateTimeOffset> commitTimes, IEnumerable<ReviewFacts> reviews, string source)
    {
        var author = pull.AuthorLogin ?? "";
        // The author time: when the work was done. A rebase rewrites committer times, not author times.
        var times = commitTimes.ToList();
        DateTimeOffset? firstCommit = times.Count == 0 ? null : times.Min().ToUniversalTime();
        DateTimeOffset? firstReview = SubmittedReviews(reviews)
            .Where(r => !r.IsBot && !string.Equals(r.Login, author, StringComparison.OrdinalIgnoreCase))
            .Select(r => (DateTimeOffset?)r.SubmittedAt.ToUniversalTime())
            .Min();
        return
        [
            repository, (uint)pull.Number, pull.Title ?? "", author, pull.AuthorIsBot, pull.BaseRef ?? "",
            pull.CreatedAt.ToUniversalTime(), firstCommit, firstReview, pull.MergedAt?.ToUniversalTime(), pull.ClosedAt?.ToUniversalTime(),
            // GitHub fills merge_commit_sha for open pull requests too (a test merge); only a merged one shipped it.
            pull.MergedAt is null ? "" : pull.MergeCommitSha ?? "",
            pull.Url ?? "", source,
            // What the hotfix and revert rules read (docs/metrics.md, "Deployment kinds").
            pull.HeadRef ?? "", pull.Labels.Where(name => name != "").ToArray(),
        ];
    }

    public static IEnumerable<object?[]> Reviews(string repository, int number, IReadOnlyList<PullRequestReview> reviews, string source) =>
        Reviews(repository, number, reviews.Select(Facts), source);

    public static IEnumerable<object?[]> Reviews(string repository, int number, IEnumerable<ReviewFacts> reviews, string source) =>
        SubmittedReviews(reviews).Select(r => new object?[]
        {
            repository, (uint)number, r.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Login ?? "", r.IsBot,
            r.State.ToLowerInvariant(), r.SubmittedAt.ToUniversalTime(), source,
        });

    /// <summary>What the rows read of a REST pull request.</summary>
    public static PullRequestFacts Facts(PullRequest pull) => new(
        pull.Number, pull.Title, pull.User?.Login, IsBot(pull.User), pull.Base?.Ref, pull.Head?.Ref, pull.CreatedAt, pull.MergedAt, pull.ClosedAt,
        pull.MergeCommitSha, pull.HtmlUrl, (pull.Labels ?? []).Select(label => label.Name ?? "").ToList());

    /// <summary>What the rows read of a REST review (a pending one has no submission time: <c>default</c>).</summary>
    public static ReviewFacts Facts(PullRequestReview review) =>
        new(review.Id, review.User?.Login, IsBot(review.User), review.State.StringValue, review.SubmittedAt == default ? null : review.SubmittedAt);

    /// <summary>
    /// A deployment's status from its statuses: the latest that is not <c>inactive</c> (GitHub marks a successful
    /// deployment inactive once a newer one replaces it, which does not undo its success). Its time is the finish
    /// time when it is final (success, failure, error).
    /// </summary>
    public static (string Status, DateTimeOffset? FinishedAt, string Url) DeploymentState(IReadOnlyList<DeploymentStatus> statuses) =>
        DeploymentStateOf(statuses.Select(s => new DeploymentStatusFacts(s.Id, s.State.StringValue, s.CreatedAt, s.LogUrl ?? s.TargetUrl ?? s.EnvironmentUrl)).ToList());

    /// <inheritdoc cref="DeploymentState(IReadOnlyList{DeploymentStatus})"/>
    public static (string Status, DateTimeOffset? FinishedAt, string Url) DeploymentStateOf(IReadOnlyList<DeploymentStatusFacts> statuses)
    {
        var ordered = statuses.OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id).ToList();
        var latest = ordered.FirstOrDefault(s => !s.State.Equals("inactive", StringComparison.OrdinalIgnoreCase));
        if (latest is null)
        {
            // Nothing but "inactive": replaced before it ever succeeded.
            return ordered.Count == 0 ? ("queued", null, "") : ("cancelled", null, "");
        }
        var url = latest.Url ?? "";
        return latest.State.ToLowerInvariant() switch
        {
            "success" => ("success", latest.CreatedAt.ToUniversalTime(), url),
            "failure" => ("failure", latest.CreatedAt.ToUniversalTime(), url),
            "error" => ("error", latest.CreatedAt.ToUniversalTime(), url),
            "in_progress" => ("in_progress", null, url),
            _ => ("queued", null, url), // pending, queued
        };
    }

    /// <summary>True once a deployment's status can no longer change by itself.</summary>
    public static bool IsFinal(string status) => status is "success" or "failure" or "error" or "cancelled";

    /// <summary>
    /// Pulled deployments state no kind (''): GitHub does not say whether one was a rollback or a hotfix, so the
    /// derived table works it out from the data (docs/metrics.md, "Deployment kinds").
    /// </summary>
    public const string KindNotStated = "";

    /// <param name="reference">The ref GitHub deployed (a branch, tag or sha as the deployment's creator gave it): a bare name.</param>
    public static object?[] Deployment(
        string service, string repository, long id, string environment, string sha, DateTimeOffset createdAt, IReadOnlyList<DeploymentStatus> statuses, string source,
        string? reference = null) =>
        Deployment(service, repository, id, environment, sha, createdAt, DeploymentState(statuses), source, reference);

    /// <param name="state">What <see cref="DeploymentStateOf"/> made of its statuses.</param>
    public static object?[] Deployment(
        string service, string repository, long id, string environment, string sha, DateTimeOffset createdAt, (string Status, DateTimeOffset? FinishedAt, string Url) state,
        string source, string? reference = null)
    {
        var (status, finishedAt, url) = state;
        return
        [
            DeploymentId(id), service, environment, status, KindNotStated, "", repository, sha, createdAt.ToUniversalTime(), finishedAt, url, source,
            reference ?? "",
        ];
    }

    /// <summary>An Actions run's status: completed runs by their conclusion, the others by where they are.</summary>
    public static (string Status, DateTimeOffset? FinishedAt) WorkflowRunState(WorkflowRun run)
    {
        var status = run.Status.StringValue.ToLowerInvariant();
        if (status != "completed")
        {
            return (status == "in_progress" ? "in_progress" : "queued", null);
        }
        // A completed run's last update is when it finished (GitHub's run object has no completed_at).
        var finishedAt = run.UpdatedAt.ToUniversalTime();
        return (run.Conclusion?.StringValue.ToLowerInvariant()) switch
        {
            "success" => ("success", finishedAt),
            "failure" or "timed_out" or "startup_failure" => ("failure", finishedAt),
            "cancelled" or "skipped" or "stale" or "neutral" => ("cancelled", finishedAt),
            "action_required" => ("queued", null),
            _ => ("error", finishedAt),
        };
    }

    public static object?[] WorkflowRunDeployment(string service, string repository, string environment, WorkflowRun run, string source)
    {
        var (status, finishedAt) = WorkflowRunState(run);
        return
        [
            // Started = created, which a re-run keeps (run_started_at moves), so the row's sort key never changes.
            WorkflowRunId(run.Id), service, environment, status, KindNotStated, "", repository, run.HeadSha ?? "",
            run.CreatedAt.ToUniversalTime(), finishedAt, run.HtmlUrl ?? "", source,
            string.IsNullOrEmpty(run.HeadBranch) ? "" : $"refs/heads/{run.HeadBranch}",
        ];
    }

    public static object?[] ReleaseDeployment(string service, string repository, string environment, Release release, string sha, string source)
    {
        var publishedAt = (release.PublishedAt ?? release.CreatedAt).ToUniversalTime();
        return
        [
            ReleaseId(service, release.TagName), service, environment, "success", KindNotStated, "", repository, sha,
            publishedAt, publishedAt, release.HtmlUrl ?? "", source, $"refs/tags/{release.TagName}",
        ];
    }

    public static object?[] Incident(string service, string repository, Issue issue, string defaultSeverity, string source)
    {
        var severity = (issue.Labels ?? []).Select(l => SeverityFromLabel(l.Name)).FirstOrDefault(s => s is not null) ?? defaultSeverity;
        var closed = issue.State.StringValue.Equals("closed", StringComparison.OrdinalIgnoreCase);
        return
        [
            IncidentId(repository, issue.Number), service, severity, issue.Title ?? "", issue.CreatedAt.ToUniversalTime(),
            closed ? issue.ClosedAt?.ToUniversalTime() : null, CausedByDeployment(issue.Body) ?? "", issue.HtmlUrl ?? "", source,
        ];
    }

    /// <summary><c>sev2</c> from labels such as <c>sev2</c>, <c>SEV-2</c>, <c>severity: 2</c>, <c>severity/2</c>; else null.</summary>
    public static string? SeverityFromLabel(string? label)
    {
        var match = label is null ? Match.Empty : SeverityLabel().Match(label);
        return match.Success ? $"sev{match.Groups[1].Value}" : null;
    }

    /// <summary>
    /// The deployment an incident issue names in its body — <c>Caused by deployment: 1234</c>,
    /// <c>deployment_id: shop@v1.2.0</c>, <c>Deployment: github-run-42</c> — as a stored deployment id: a bare number
    /// is a GitHub deployment's, anything else is taken as written (a release <c>service@tag</c>, a run, a CSV id).
    /// </summary>
    public static string? CausedByDeployment(string? body)
    {
        if (string.IsNullOrEmpty(body))
        {
            return null;
        }
        var match = DeploymentReference().Match(body);
        if (!match.Success)
        {
            return null;
        }
        var id = match.Groups["id"].Value.TrimEnd('.', ',', ';', ':', ')');
        return id.All(char.IsAsciiDigit) && long.TryParse(id, out var number) ? DeploymentId(number) : id;
    }

    /// <summary>The first line of a commit message: what <c>git log --oneline</c> shows (as the git ingestor stores it).</summary>
    public static string Subject(string? message)
    {
        var text = (message ?? "").AsSpan().TrimStart();
        var end = text.IndexOfAny('\r', '\n');
        return (end < 0 ? text : text[..end]).Trim().ToString();
    }

    /// <summary>A commit's row from what both APIs (REST and GraphQL) say of it.</summary>
    public static object?[] Commit(string repository, string sha, IEnumerable<string> parents, Committer? author, Committer? committer, string? message, string source) =>
    [
        repository, sha, parents.ToArray(),
        author?.Email ?? "", author?.Name ?? "", (author?.Date ?? committer?.Date ?? default).ToUniversalTime(),
        committer?.Email ?? "", (committer?.Date ?? author?.Date ?? default).ToUniversalTime(),
        Subject(message), source, CommitMessages.Reverts(message),
    ];

    private static object?[] CommitRow(string repository, string sha, Commit? commit, IReadOnlyList<GitReference>? parents, string source) =>
        Commit(repository, sha, (parents ?? []).Select(p => p.Sha), commit?.Author, commit?.Committer, commit?.Message, source);

    // Pending reviews have no submission time yet and are the reviewer's draft: not a review.
    private static IEnumerable<(long Id, string? Login, bool IsBot, string State, DateTimeOffset SubmittedAt)> SubmittedReviews(IEnumerable<ReviewFacts> reviews) =>
        reviews.Where(r => r.SubmittedAt is not null && !r.State.Equals("PENDING", StringComparison.OrdinalIgnoreCase))
            .Select(r => (r.Id, r.Login, r.IsBot, r.State, r.SubmittedAt!.Value));

    [GeneratedRegex(@"^\s*sev(?:erity)?\s*[-_:/ ]?\s*([1-5])\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SeverityLabel();

    // "caused by deployment[:] X" anywhere, or "deployment: X" / "deployment_id = X" with an explicit separator, so
    // prose such as "the deployment failed" is not read as naming a deployment called "failed".
    [GeneratedRegex(@"(?:\bcaused[ _-]by[ _-]deployment\b\s*[:=#]?|\bdeployment(?:[ _-]?id)?\s*[:=])\s*#?(?<id>[A-Za-z0-9][A-Za-z0-9._@/+:-]*)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DeploymentReference();
}

/// <summary>What a pull request's row is made of, as GitHub's REST and GraphQL APIs both tell it.</summary>
/// <param name="AuthorLogin">As REST spells it: a bot's login ends with <c>[bot]</c>.</param>
/// <param name="MergeCommitSha">The merge (or squash) commit; ignored unless <paramref name="MergedAt"/> is set.</param>
/// <param name="Url">The pull request's page on GitHub.</param>
public sealed record PullRequestFacts(
    int Number, string? Title, string? AuthorLogin, bool AuthorIsBot, string? BaseRef, string? HeadRef, DateTimeOffset CreatedAt, DateTimeOffset? MergedAt,
    DateTimeOffset? ClosedAt, string? MergeCommitSha, string? Url, IReadOnlyList<string> Labels);

/// <summary>What a review's row is made of.</summary>
/// <param name="State">GitHub's state (<c>APPROVED</c>, <c>PENDING</c>, …).</param>
/// <param name="SubmittedAt">Null for a pending review, which has not been submitted.</param>
public sealed record ReviewFacts(long Id, string? Login, bool IsBot, string State, DateTimeOffset? SubmittedAt);

/// <summary>What a deployment status contributes to its deployment's row.</summary>
/// <param name="Id">Orders statuses created in the same second (GraphQL gives none: 0, its list order decides).</param>
public sealed record DeploymentStatusFacts(long Id, string State, DateTimeOffset CreatedAt, string? Url);
