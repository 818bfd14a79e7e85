using System.Globalization;
using Analytics.Ingestors.GitHub;
using Analytics.Ingestors.Sources;

namespace Analytics.Ingestors.GitLab;

/// <summary>
/// GitLab objects as rows of the event tables, with the columns and definitions of <see cref="GitHubRows"/>: a merge
/// request is a pull request, its approvals and comments are its reviews, a GitLab deployment is a deployment. Pure
/// functions, so each rule is tested on its own.
/// </summary>
internal static class GitLabRows
{
    /// <summary>The stored id of a GitLab deployment: its id is unique on the GitLab instance.</summary>
    public static string DeploymentId(long id) => $"gitlab-deployment-{id}";

    /// <summary>
    /// A bot: GitLab's <c>bot</c> flag where the entity has it, else GitLab's own bot accounts' usernames
    /// (project and group access tokens' <c>project_123_bot_…</c>, <c>group_…_bot_…</c>, <c>ghost</c> is not one).
    /// </summary>
    public static bool IsBot(GitLabUser? user) =>
        user?.Bot ?? (user?.Username is { } name && (name.Contains("_bot_", StringComparison.Ordinal) || name.EndsWith("_bot", StringComparison.Ordinal) || name.EndsWith("[bot]", StringComparison.Ordinal)));

    public static object?[] Commit(string repository, GitLabCommit commit, string source)
    {
        var authored = (commit.AuthoredDate ?? commit.CommittedDate ?? default).ToUniversalTime();
        return
        [
            repository, commit.Id, commit.ParentIds ?? [], commit.AuthorEmail ?? "", commit.AuthorName ?? "", authored,
            commit.CommitterEmail ?? "", (commit.CommittedDate ?? commit.AuthoredDate ?? default).ToUniversalTime(),
            GitHubRows.Subject(commit.Message ?? commit.Title), source, CommitMessages.Reverts(commit.Message),
        ];
    }

    /// <summary>
    /// A merge request as a pull request row. <c>closed_at</c> as GitHub's: the merge time for a merged one (GitLab
    /// leaves it null). <c>merge_sha</c> as GitHub's <c>merge_commit_sha</c> once merged: the merge commit, else the
    /// squash commit, else the head (a fast-forward merge puts the head itself on the target branch).
    /// </summary>
    public static object?[] PullRequest(string repository, GitLabMergeRequest request, IReadOnlyList<GitLabCommit> commits, IReadOnlyList<Review> reviews, string source)
    {
        var author = request.Author?.Username ?? "";
        DateTimeOffset? firstCommit = commits.Count == 0 ? null : commits.Min(c => c.AuthoredDate ?? c.CommittedDate ?? request.CreatedAt).ToUniversalTime();
        DateTimeOffset? firstReview = reviews
            .Where(r => !r.IsBot && !string.Equals(r.Reviewer, author, StringComparison.OrdinalIgnoreCase))
            .Select(r => (DateTimeOffset?)r.SubmittedAt)
            .Min();
        var merged = request.MergedAt?.ToUniversalTime();
        var closed = request.State == "closed" ? (request.ClosedAt ?? request.UpdatedAt).ToUniversalTime() : merged;
        return
        [
            repository, (uint)request.Iid, request.Title ?? "", author, IsBot(request.Author), request.TargetBranch ?? "",
            request.CreatedAt.ToUniversalTime(), firstCommit, firstReview, merged, closed,
            merged is null ? "" : request.MergeCommitSha ?? request.SquashCommitSha ?? request.Sha ?? "",
            request.WebUrl ?? "", source, request.SourceBranch ?? "", request.Labels ?? [],
        ];
    }

    /// <summary>An approval or a comment of a merge request, as a review row.</summary>
    /// <param name="Id">Unique within the merge request: <c>approval-&lt;user id&gt;</c> (one approval per user) or <c>note-&lt;id&gt;</c>.</param>
    /// <param name="State"><c>approved</c> or <c>commented</c>, as GitHub's review states are stored.</param>
    public sealed record Review(string Id, string Reviewer, bool IsBot, string State, DateTimeOffset SubmittedAt);

    /// <summary>
    /// The reviews of a merge request: each approval (at <c>approved_at</c>, or, from a GitLab without it, the time of
    /// the approver's system note "approved this merge request") and each comment that is not a system note.
    /// Without the approvals endpoint (null: a GitLab that refused it), the approvals are the system notes themselves,
    /// the latest per approver. An approval whose time is nowhere to be found is left out: a review without a time
    /// would move no figure right.
    /// </summary>
    public static List<Review> Reviews(GitLabApprovals? approvals, IReadOnlyList<GitLabNote> notes)
    {
        var approvalNotes = notes.Where(n => n.System && (n.Body ?? "").StartsWith("approved this merge request", StringComparison.Ordinal)).ToList();
        var approvedBy = approvals?.ApprovedBy
            ?? approvalNotes.GroupBy(n => n.Author?.Username).Select(g => new GitLabApproval(g.Last().Author, g.Max(n => n.CreatedAt))).ToList();
        var reviews = new List<Review>();
        foreach (var approval in approvedBy)
        {
            var login = approval.User?.Username ?? "";
            var at = approval.ApprovedAt ?? approvalNotes.Where(n => n.Author?.Username == login).Select(n => (DateTimeOffset?)n.CreatedAt).Max();
            if (at is { } time)
            {
                reviews.Add(new Review($"approval-{approval.User?.Id.ToString(CultureInfo.InvariantCulture)}", login, IsBot(approval.User), "approved", time.ToUniversalTime()));
            }
        }
        reviews.AddRange(notes.Where(n => !n.System).Select(n => new Review(
            $"note-{n.Id.ToString(CultureInfo.InvariantCulture)}", n.Author?.Username ?? "", IsBot(n.Author), "commented", n.CreatedAt.ToUniversalTime())));
        return reviews;
    }

    public static IEnumerable<object?[]> ReviewRows(string repository, long iid, IEnumerable<Review> reviews, string source) =>
        reviews.Select(r => new object?[] { repository, (uint)iid, r.Id, r.Reviewer, r.IsBot, r.State, r.SubmittedAt, source });

    /// <summary>
    /// A deployment's status as the deployments table has them: success, failure, cancelled, in_progress, queued. The
    /// finish time is GitLab's <c>finished_at</c> (its job's, on versions without it), else the last update of a final one.
    /// </summary>
    public static (string Status, DateTimeOffset? FinishedAt) DeploymentState(GitLabDeployment deployment)
    {
        var status = deployment.Status switch
        {
            "success" => "success",
            "failed" => "failure",
            "canceled" or "skipped" => "cancelled",
            "running" => "in_progress",
            _ => "queued", // created, blocked (waiting for approval)
        };
        var finished = GitHubRows.IsFinal(status)
            ? (deployment.FinishedAt ?? deployment.Deployable?.FinishedAt ?? deployment.UpdatedAt).ToUniversalTime()
            : (DateTimeOffset?)null;
        return (status, finished);
    }

    /// <summary>The deployments table as GitLab fills it: GitHub's columns and the environment's tier.</summary>
    public static readonly RowTable DeploymentTable = new("deployments", [.. GitHubRows.DeploymentColumns, "environment_tier"]);

    /// <summary>GitLab's environment tiers; a tier the source gives decides production before the name rules (docs/metrics.md).</summary>
    public static readonly string[] Tiers = ["production", "staging", "testing", "development", "other"];

    /// <param name="tier">The environment's tier from the environments API; "" when GitLab gave none this source knows.</param>
    public static object?[] Deployment(string service, string repository, GitLabDeployment deployment, string source, string tier)
    {
        var (status, finishedAt) = DeploymentState(deployment);
        return
        [
            DeploymentId(deployment.Id), service, deployment.Environment?.Name ?? "", status, GitHubRows.KindNotStated, "", repository,
            deployment.Sha ?? "", deployment.CreatedAt.ToUniversalTime(), finishedAt, deployment.Deployable?.WebUrl ?? "", source, deployment.Ref ?? "", tier,
        ];
    }
}
