namespace Analytics.Ingestors.Demo;

/// <summary>pull_requests: merged, still open and abandoned PRs against each service's default branch.</summary>
internal static class PullRequestsTable
{
    public static readonly string[] Columns =
    [
        "repository", "number", "title", "author_login", "author_is_bot", "base_branch", "opened_at", "first_commit_at",
        "first_review_at", "merged_at", "closed_at", "merge_sha", "url", "source",
    ];

    public static DemoTable Create(Organisation org) => new("pull_requests", Columns, Rows(org));

    public static string Url(string repository, int number) => $"https://github.com/{repository}/pull/{number}";

    private static IEnumerable<object?[]> Rows(Organisation org)
    {
        foreach (var history in ServiceHistorySimulator.All(org))
        {
            var repository = history.Service.Repository;
            foreach (var pr in history.PullRequests)
            {
                yield return
                [
                    repository, (uint)pr.Number, pr.Title, pr.Author.GitHubLogin, pr.Author.IsBot, "main", pr.OpenedAt, pr.FirstCommitAt,
                    pr.FirstReviewAt, pr.MergedAt, pr.ClosedAt, pr.MergeSha, Url(repository, pr.Number), Organisation.Source,
                ];
            }
        }
    }
}
