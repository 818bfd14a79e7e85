namespace Analytics.Core.Dora;

/// <summary>A team's or the organisation's four keys over [From, To). Null means "no sample", never zero.</summary>
public sealed record DoraSummary(
    string Team,
    DateTimeOffset From,
    DateTimeOffset To,
    DeploymentFrequencyFigure DeploymentFrequency,
    LeadTimeFigure LeadTime,
    ChangeFailureFigure ChangeFailureRate,
    RecoveryFigure RecoveryTime,
    ReworkFigure ReworkRate)
{
    /// <summary>The DORA benchmark year whose tier table gave the tiers (<see cref="DoraTierTable.Apply"/>); null = the default table's.</summary>
    public int? TiersYear { get; init; }
}

/// <param name="Tier">Null when there was no production deployment in the window: no deployments is not a tier.</param>
public sealed record DeploymentFrequencyFigure(long Deployments, long FailedAttempts, double DeploymentsPerDay, double MedianDeploymentDaysPerWeek, DoraTier? Tier);

/// <param name="Changes">Commits whose first production deployment finished in the period (the sample).</param>
/// <param name="Excluded">Commits dropped because the deployment finished before the commit time (a data error).</param>
/// <param name="InferredShare">Share of changes linked to their deployment by time window rather than ancestry.</param>
public sealed record LeadTimeFigure(long Changes, TimeSpan? Median, TimeSpan? P75, TimeSpan? P90, long Excluded, double InferredShare, DoraTier? Tier)
{
    /// <summary>The sample is smaller than the configured minimum: show the figure, flagged.</summary>
    public bool LowConfidence { get; init; }
}

public sealed record ChangeFailureFigure(long Deployments, long FailedDeployments, double? Rate, DoraTier? Tier)
{
    public bool LowConfidence { get; init; }
}

/// <param name="Resolved">Incidents resolved in the period (the sample).</param>
/// <param name="Open">Incidents still open at the end of the period; listed, never dropped.</param>
public sealed record RecoveryFigure(long Resolved, TimeSpan? Median, long Open, DoraTier? Tier)
{
    public bool LowConfidence { get; init; }

    /// <summary>Failed deployments whose restoring deployment (the next good production deployment of the service) finished in the period.</summary>
    public long Restored { get; init; }

    /// <summary>Median of failed deployment → restoring deployment over <see cref="Restored"/>; null without a sample.</summary>
    public TimeSpan? RestoreMedian { get; init; }

    /// <summary>Failed deployments finished before the period's end and not restored by then.</summary>
    public long AwaitingRestore { get; init; }
}

/// <summary>Deployment rework rate (DORA 2024): production deployments that were unplanned fixes (hotfix, rollback, revert). DORA publishes no tiers for it.</summary>
public sealed record ReworkFigure(long Deployments, long ReworkDeployments, double? Rate);
