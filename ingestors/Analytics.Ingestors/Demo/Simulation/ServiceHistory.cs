namespace Analytics.Ingestors.Demo;

// What happened in one service's repository and pipeline over the whole history. The table generators
// project these into rows; nothing here knows about ClickHouse.

/// <summary>Everything one service went through, simulated from the service's own seed.</summary>
internal sealed class ServiceHistory(ServiceInfo service)
{
    public ServiceInfo Service { get; } = service;

    /// <summary>Ordered by <see cref="SimPullRequest.Number"/> (opening order, as GitHub numbers them).</summary>
    public List<SimPullRequest> PullRequests { get; } = [];

    /// <summary>The default branch's first-parent history, oldest first.</summary>
    public List<MainlineEntry> Mainline { get; } = [];

    /// <summary>In start order; ids are numbered in that order too.</summary>
    public List<SimDeployment> Deployments { get; } = [];

    public List<SimIncident> Incidents { get; } = [];
}

internal sealed class SimPullRequest
{
    public required int Sequence { get; init; }

    public int Number { get; set; }

    public required PersonInfo Author { get; init; }

    public required string Title { get; init; }

    public required string Branch { get; init; }

    /// <summary>The branch's commits, oldest first.</summary>
    public List<SimBranchCommit> Commits { get; } = [];

    public DateTime OpenedAt { get; set; }

    public List<SimReview> Reviews { get; } = [];

    public DateTime? MergedAt { get; set; }

    public DateTime? ClosedAt { get; set; }

    /// <summary>Squash-merged PRs land as one new commit; the rest as a merge commit over their branch commits.</summary>
    public bool SquashMerged { get; set; } = true;

    /// <summary>The commit the merge created on the default branch; "" unless merged.</summary>
    public string MergeSha { get; set; } = "";

    public DateTime FirstCommitAt => Commits[0].AuthoredAt;

    /// <summary>When someone other than the author first reviewed it: bot comments and the author's own do not count as review pickup.</summary>
    public DateTime? FirstReviewAt
    {
        get
        {
            DateTime? first = null;
            foreach (var review in Reviews)
            {
                if (!review.Reviewer.IsBot && review.Reviewer != Author && (first is null || review.SubmittedAt < first))
                {
                    first = review.SubmittedAt;
                }
            }
            return first;
        }
    }
}

internal readonly record struct SimBranchCommit(string Sha, DateTime AuthoredAt, DateTime CommittedAt, string Message);

internal readonly record struct SimReview(PersonInfo Reviewer, string State, DateTime SubmittedAt);

/// <summary>One step of the default branch: the initial commit, or a merged pull request.</summary>
internal sealed class MainlineEntry(DateTime mergedAt, string sha, PersonInfo author, SimPullRequest? pullRequest)
{
    public DateTime MergedAt { get; } = mergedAt;

    /// <summary>The first-parent commit: the initial commit, a squash commit or a merge commit.</summary>
    public string Sha { get; } = sha;

    public PersonInfo Author { get; } = author;

    public SimPullRequest? PullRequest { get; } = pullRequest;

    /// <summary>The commits this step adds to the branch: a merge commit brings its branch commits along.</summary>
    public IEnumerable<string> CommitShas()
    {
        if (PullRequest is { SquashMerged: false })
        {
            foreach (var commit in PullRequest.Commits)
            {
                yield return commit.Sha;
            }
        }
        yield return Sha;
    }
}

internal sealed class SimDeployment
{
    public required string Id { get; init; }

    public required string Environment { get; init; }

    public required string Status { get; init; }

    public required string Kind { get; init; }

    public string RelatedDeploymentId { get; init; } = "";

    public required string Sha { get; init; }

    public required DateTime StartedAt { get; init; }

    public required DateTime FinishedAt { get; init; }

    /// <summary>Mainline entries (inclusive index range) this deployment put into production first; empty when FirstShipped &gt; LastShipped.</summary>
    public int FirstShipped { get; init; }

    public int LastShipped { get; init; } = -1;
}

internal sealed record SimIncident(string Id, string Severity, string Title, DateTime StartedAt, DateTime? ResolvedAt, string CausedByDeploymentId);
