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

    /// <summary>The bucket's days with time in the period and over (<see cref="PartialBuckets.DaysInside"/>); <see cref="Days"/> when whole.</summary>
    public int DaysInPeriod { get; init; }

    /// <summary>The bucket's length in days (1, 7, 28 to 31); 0 when not known.</summary>
    public int Days { get; init; }

    /// <summary>Whether a chart draws the bucket as a point (<see cref="PartialBuckets.IsDrawn"/>); drawn when its days are not known.</summary>
    public bool Drawn => !Partial || Days == 0 || PartialBuckets.IsDrawn(DaysInPeriod, Days);
}
