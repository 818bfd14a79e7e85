namespace Analytics.Ingestors.Demo;

/// <summary>pull_request_commits: the commits on each PR's branch (for squash merges these never reach the default branch).</summary>
internal static class PullRequestCommitsTable
{
    public static readonly string[] Columns = ["repository", "number", "sha"];

    public static DemoTable Create(Organisation org) => new("pull_request_commits", Columns, Rows(org));

    private static IEnumerable<object?[]> Rows(Organisation org)
    {
        foreach (var history in ServiceHistorySimulator.All(org))
        {
            var repository = history.Service.Repository;
            foreach (var pr in history.PullRequests)
            {
                foreach (var commit in pr.Commits)
                {
                    yield return [repository, (uint)pr.Number, commit.Sha];
                }
            }
        }
    }
}
