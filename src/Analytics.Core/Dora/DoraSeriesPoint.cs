using Analytics.Core.Calendar;

namespace Analytics.Core.Dora;

/// <summary>One bucket of a team's (or the organisation's, Team "") DORA series. Null medians mean no sample.</summary>
public sealed record DoraSeriesPoint(
    DateOnly Bucket,
    string Team,
    long Deployments,
    long FailedDeployments,
    long Changes,
    TimeSpan? LeadTimeMedian,
    long IncidentsResolved,
    TimeSpan? RecoveryMedian)
{
    public double? ChangeFailureRate => Deployments == 0 ? null : FailedDeployments / (double)Deployments;

    /// <summary>The bucket is cut by the window or not over yet (<see cref="PartialBuckets"/>).</summary>
    public bool Partial { get; init; }
}
