namespace Analytics.Ingestors.Demo;

/// <summary>commits: every commit reachable from each service's default branch.</summary>
internal static class CommitsTable
{
    public static readonly string[] Columns =
        ["repository", "sha", "parents", "author_email", "author_name", "authored_at", "committer_email", "committed_at", "message", "source"];

    public static DemoTable Create(Organisation org) => new("commits", Columns, Rows(org));

    private static IEnumerable<object?[]> Rows(Organisation org)
    {
        foreach (var history in ServiceHistorySimulator.All(org))
        {
            var repository = history.Service.Repository;
            foreach (var commit in CommitGraph.Commits(history))
            {
                yield return
                [
                    repository, commit.Sha, commit.Parents, commit.Author.GitEmail, commit.Author.DisplayName, commit.AuthoredAt,
                    commit.CommitterEmail, commit.CommittedAt, commit.Message, Organisation.Source,
                ];
            }
        }
    }
}
