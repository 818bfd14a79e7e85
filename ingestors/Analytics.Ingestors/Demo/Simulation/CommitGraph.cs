namespace Analytics.Ingestors.Demo;

/// <summary>A row of the commits table, before it is laid out in column order.</summary>
internal readonly record struct SimCommit(
    string Sha, string[] Parents, PersonInfo Author, DateTime AuthoredAt, string CommitterEmail, DateTime CommittedAt, string Message);

/// <summary>
/// Turns a service's mainline into git commits with parents: a linear first-parent chain, where squash merges
/// add one commit and merge commits have two parents (the previous tip and the PR branch's last commit,
/// whose branch grew from the tip current when the PR's first commit was written).
/// </summary>
internal static class CommitGraph
{
    /// <summary>GitHub creates squash and merge commits through the web UI under this committer.</summary>
    public const string WebCommitterEmail = "noreply@github.com";

    public static IEnumerable<SimCommit> Commits(ServiceHistory history)
    {
        var mainline = history.Mainline;
        string? tip = null;
        for (var i = 0; i < mainline.Count; i++)
        {
            var entry = mainline[i];
            var pullRequest = entry.PullRequest;
            string[] firstParent = tip is null ? [] : [tip];
            if (pullRequest is null)
            {
                yield return new SimCommit(entry.Sha, firstParent, entry.Author, entry.MergedAt, entry.Author.GitEmail, entry.MergedAt, "Initial commit");
            }
            else if (pullRequest.SquashMerged)
            {
                yield return new SimCommit(entry.Sha, firstParent, entry.Author, entry.MergedAt, WebCommitterEmail, entry.MergedAt,
                    $"{pullRequest.Title} (#{pullRequest.Number})");
            }
            else
            {
                var branchTip = mainline[BranchBase(mainline, i, pullRequest.FirstCommitAt)].Sha;
                foreach (var commit in pullRequest.Commits)
                {
                    yield return new SimCommit(commit.Sha, [branchTip], pullRequest.Author, commit.AuthoredAt, pullRequest.Author.GitEmail, commit.CommittedAt, commit.Message);
                    branchTip = commit.Sha;
                }
                yield return new SimCommit(entry.Sha, [tip!, branchTip], entry.Author, entry.MergedAt, WebCommitterEmail, entry.MergedAt,
                    $"Merge pull request #{pullRequest.Number} from {Organisation.GitHubOrganisation}/{pullRequest.Branch}");
            }
            tip = entry.Sha;
        }
    }

    /// <summary>The last mainline entry before <paramref name="before"/> that had merged when the branch started.</summary>
    private static int BranchBase(List<MainlineEntry> mainline, int before, DateTime branchedAt)
    {
        var (low, high) = (0, before - 1);
        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            if (mainline[middle].MergedAt <= branchedAt)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }
        return low;
    }
}
