using Analytics.Core.Dora;

namespace Analytics.Core.Space;

/// <summary>
/// Activity of a team (or the organisation, Team "") over a period, in total and per engineer of headcount
/// (the mean of the headcounts at the period's start and at each month start inside it). Per-engineer figures are
/// null when the headcount is zero.
/// </summary>
/// <param name="Deployments">Production deployments that finished in the period, by the service's owner then.</param>
/// <param name="MergedPullRequests">Pull requests merged in the period (bots left out), by the repository's owner.</param>
/// <param name="Reviews">Reviews submitted in the period by the team's members (bots and authors' own reviews left out).</param>
/// <param name="ServiceRequests">Service requests the team made in the period, fulfilled or not.</param>
public sealed record ActivityFigure(string Team, long Deployments, long MergedPullRequests, long Reviews, long ServiceRequests, double Headcount)
{
    public double? DeploymentsPerEngineer => PerEngineer(Deployments);

    public double? MergedPullRequestsPerEngineer => PerEngineer(MergedPullRequests);

    public double? ReviewsPerEngineer => PerEngineer(Reviews);

    public double? ServiceRequestsPerEngineer => PerEngineer(ServiceRequests);

    /// <summary>Headcount below MetricOptions.MinimumSample: per-engineer figures are flagged.</summary>
    public bool LowConfidence { get; init; }

    private double? PerEngineer(long count) => Headcount > 0 ? count / Headcount : null;
}

/// <summary>
/// Collaboration of a team (Team "" = the organisation).
/// </summary>
/// <param name="Pickup">Review pickup time of the pull requests merged in the period (pr/cycle_time.sql).</param>
/// <param name="ReviewsGiven">Reviews the team's members submitted in the period whose reviewer's team was known.</param>
/// <param name="CrossTeamReviews">Of those, reviews of another team's pull request (the reviewer's team at review time ≠ the PR's team).</param>
/// <param name="UnknownReviewerTeam">Reviews whose reviewer has no login identity or no team at the time: left out of the share.</param>
/// <param name="PullRequests">Pull requests merged in the period (the sample for distinct reviewers).</param>
/// <param name="DistinctReviewersPerPullRequest">Mean number of distinct people (not the author, not bots) who reviewed each.</param>
public sealed record CollaborationFigure(
    string Team,
    PhaseFigure Pickup,
    long ReviewsGiven,
    long CrossTeamReviews,
    long UnknownReviewerTeam,
    long PullRequests,
    double? DistinctReviewersPerPullRequest)
{
    public double? CrossTeamShare => ReviewsGiven == 0 ? null : CrossTeamReviews / (double)ReviewsGiven;

    public bool LowConfidence { get; init; }
}

/// <summary>
/// Efficiency and flow of a team (Team "" = the organisation): work in progress at the period's end and the
/// self-reported flow and interruptions (survey Likert means, suppressed like every survey figure).
/// </summary>
/// <param name="OpenPullRequests">Pull requests open at the end of the period (opened before, neither merged nor closed by then; bots left out), by the repository's owner then.</param>
/// <param name="Headcount">Members at the end of the period.</param>
public sealed record FlowFigure(string Team, long OpenPullRequests, long Headcount, LikertFigure? Flow, LikertFigure? Interruptions)
{
    public double? OpenPullRequestsPerEngineer => Headcount == 0 ? null : OpenPullRequests / (double)Headcount;

    public bool LowConfidence { get; init; }
}
