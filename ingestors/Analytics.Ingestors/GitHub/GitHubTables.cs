using Analytics.Ingestors.Sources;

namespace Analytics.Ingestors.GitHub;

/// <summary>The event tables a GitHub source writes, with the columns of <see cref="GitHubRows"/>' rows.</summary>
internal static class GitHubTables
{
    public static readonly RowTable Commits = new("commits", GitHubRows.CommitColumns);

    public static readonly RowTable PullRequests = new("pull_requests", GitHubRows.PullRequestColumns);

    public static readonly RowTable PullRequestCommits = new("pull_request_commits", GitHubRows.PullRequestCommitColumns);

    public static readonly RowTable Reviews = new("pull_request_reviews", GitHubRows.ReviewColumns);

    public static readonly RowTable Deployments = new("deployments", GitHubRows.DeploymentColumns);

    public static readonly RowTable Incidents = new("incidents", GitHubRows.IncidentColumns);
}
