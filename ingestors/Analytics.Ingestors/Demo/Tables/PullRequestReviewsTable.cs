namespace Analytics.Ingestors.Demo;

/// <summary>pull_request_reviews: approvals, change requests and comments, by people and the odd bot.</summary>
internal static class PullRequestReviewsTable
{
    public static readonly string[] Columns =
        ["repository", "number", "review_id", "reviewer_login", "reviewer_is_bot", "state", "submitted_at", "source"];

    public static DemoTable Create(Organisation org) => new("pull_request_reviews", Columns, Rows(org));

    private static IEnumerable<object?[]> Rows(Organisation org)
    {
        foreach (var history in ServiceHistorySimulator.All(org))
        {
            var repository = history.Service.Repository;
            foreach (var pr in history.PullRequests)
            {
                var k = 0;
                foreach (var review in pr.Reviews.OrderBy(r => r.SubmittedAt))
                {
                    yield return
                    [
                        repository, (uint)pr.Number, $"{pr.Number}-{++k}", review.Reviewer.GitHubLogin, review.Reviewer.IsBot,
                        review.State, review.SubmittedAt, Organisation.Source,
                    ];
                }
            }
        }
    }
}
