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

/// <param name="Changes">The sample: commits (or, per pull request, merged pull requests) whose first production deployment finished in the period.</param>
/// <param name="Excluded">Samples dropped because the deployment finished before the start (a data error), or, per pull request, the first commit is unknown.</param>
/// <param name="InferredShare">Share of changes linked to their deployment by time window rather than ancestry.</param>
public sealed record LeadTimeFigure(long Changes, TimeSpan? Median, TimeSpan? P75, TimeSpan? P90, long Excluded, double InferredShare, DoraTier? Tier)
{
    /// <summary>What one sample is: <see cref="LeadTimeUnit.Commit"/> or <see cref="LeadTimeUnit.PullRequest"/>.</summary>
    public string Unit { get; init; } = LeadTimeUnit.Commit;

    /// <summary>The sample is smaller than the configured minimum: show the figure, flagged.</summary>
    public bool LowConfidence { get; init; }
}

public sealed record ChangeFailureFigure(long Deployments, long FailedDeployments, double? Rate, DoraTier? Tier)
{
    public bool LowConfidence { get; init; }
}

/// <summary>
/// The fourth key's two figures: time to restore service (incident started → resolved; <see cref="Median"/>, graded
/// by <see cref="Tier"/> with the 2021 tiers) and failed-deployment recovery time (failed deployment → restoring
/// deployment; <see cref="RestoreMedian"/>, graded by <see cref="RestoreTier"/> with the 2023/2024 tiers). Each tier
/// year grades one of them (<see cref="Graded"/>), whose tier is <see cref="KeyTier"/>.
/// </summary>
/// <param name="Resolved">Incidents resolved in the period (the sample of time to restore service).</param>
/// <param name="Open">Incidents still open at the end of the period; listed, never dropped.</param>
/// <param name="Tier">Time to restore service's tier, from a table that grades it (2021).</param>
public sealed record RecoveryFigure(long Resolved, TimeSpan? Median, long Open, DoraTier? Tier)
{
    public bool LowConfidence { get; init; }

    /// <summary>The tier year whose table gave <see cref="Tier"/>.</summary>
    public int TierYear { get; init; } = DoraTierTables.NearestGrading(DoraTierTables.DefaultYear, RecoveryMeasure.TimeToRestoreService).Year;

    /// <summary>Failed-deployment recovery time's tier, from a table that grades it (2023, 2024).</summary>
    public DoraTier? RestoreTier { get; init; }

    /// <summary>The tier year whose table gave <see cref="RestoreTier"/>.</summary>
    public int RestoreTierYear { get; init; } = DoraTierTables.NearestGrading(DoraTierTables.DefaultYear, RecoveryMeasure.FailedDeploymentRecoveryTime).Year;

    /// <summary>Which of the two figures the summary's tier year grades as its fourth key.</summary>
    public RecoveryMeasure Graded { get; init; } = DoraTierTables.Default.RecoveryTimeGrades;

    /// <summary>The fourth key's tier: that of the figure <see cref="Graded"/> names.</summary>
    public DoraTier? KeyTier => Graded == RecoveryMeasure.TimeToRestoreService ? Tier : RestoreTier;

    /// <summary>The fourth key's median: that of the figure <see cref="Graded"/> names.</summary>
    public TimeSpan? KeyMedian => Graded == RecoveryMeasure.TimeToRestoreService ? Median : RestoreMedian;

    /// <summary>Fewer failed deployments restored than the minimum sample: the restore median is flagged.</summary>
    public bool RestoreLowConfidence { get; init; }

    /// <summary>Whether the fourth key's figure is flagged.</summary>
    public bool KeyLowConfidence => Graded == RecoveryMeasure.TimeToRestoreService ? LowConfidence : RestoreLowConfidence;

    /// <summary>The fourth key's sample: incidents resolved, or failed deployments restored.</summary>
    public long KeySample => Graded == RecoveryMeasure.TimeToRestoreService ? Resolved : Restored;

    /// <summary>Failed deployments whose restoring deployment (the next good production deployment of the service) finished in the period.</summary>
    public long Restored { get; init; }

    /// <summary>Median of failed deployment → restoring deployment over <see cref="Restored"/>; null without a sample.</summary>
    public TimeSpan? RestoreMedian { get; init; }

    /// <summary>
    /// Failed deployments finished before the period's end and not restored by then, whose service had a production
    /// deployment within <see cref="MetricOptions.AwaitingRestoreLimit"/> before the end (a silent service awaits nothing).
    /// </summary>
    public long AwaitingRestore { get; init; }
}

/// <summary>
/// Deployment rework rate (DORA 2024): of the production deployments whose kind is known, the share that were
/// unplanned fixes (hotfix, rollback, revert). Null when no deployment's kind could be told ("unknown", never 0%).
/// DORA publishes no tiers for it.
/// </summary>
public sealed record ReworkFigure(long Deployments, long ReworkDeployments, double? Rate)
{
    /// <summary>Deployments whose kind nothing could tell (no stated kind, nothing detected, no commit data): left out of the rate.</summary>
    public long UnknownKind { get; init; }
}
