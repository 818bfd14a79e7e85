namespace Analytics.Ingestors.Demo;

/// <summary>
/// The rates a team works at, interpolated from a single performance score (0 = low, 1 = elite) between
/// DORA-like extremes. Frequencies and durations interpolate on a log scale, because "several a day" and
/// "twice a month" differ by orders of magnitude.
/// </summary>
internal sealed class PerformanceProfile
{
    /// <summary>How far up the scale the golden path lifts a team: a tier, roughly — clear on a before/after chart, yet a low team stays behind an elite one.</summary>
    private const double GoldenPathLift = 0.3;

    /// <summary>Templates bring a tested pipeline and sane defaults, so changes fail less on top of the general lift.</summary>
    private const double GoldenPathFailureFactor = 0.7;

    /// <summary>In a bad quarter (a flaky dependency, an understaffed on-call rota) changes fail this many times as often…</summary>
    private const double BadQuarterFailureFactor = 2.5;

    /// <summary>…and take this many times as long to recover from and to notice: clear on the recovery chart, yet not a different tier of team.</summary>
    private const double BadQuarterRecoveryFactor = 4;

    public PerformanceProfile(double performance, bool onGoldenPath = false, bool inBadQuarter = false)
    {
        Performance = Math.Clamp(performance, 0, 1);
        IsOnGoldenPath = onGoldenPath;
        IsInBadQuarter = inBadQuarter;
        var p = onGoldenPath ? Math.Min(1, Performance + GoldenPathLift) : Performance;
        var failureFactor = (onGoldenPath ? GoldenPathFailureFactor : 1) * (inBadQuarter ? BadQuarterFailureFactor : 1);
        var recoveryFactor = inBadQuarter ? BadQuarterRecoveryFactor : 1;
        DeploySlotsPerWorkday = LogLerp(0.1, 3.0, p);       // low ≈ twice a month, elite several a day
        PullRequestsPerEngineerPerWorkday = Lerp(0.35, 0.9, p);
        ExtraCommitsPerPullRequest = Lerp(4.5, 1.0, p);      // big PRs vs small ones
        CodingHours = LogLerp(14, 2, p);                     // first commit → PR opened (working hours)
        ReviewPickupHours = LogLerp(16, 0.75, p);            // PR opened → first human review
        MergeDelayHours = LogLerp(8, 0.4, p);                // approval → merge
        ChangesRequestedRate = Lerp(0.4, 0.15, p);
        ChangeFailureRate = Math.Min(0.6, Lerp(0.35, 0.03, p) * failureFactor);
        RecoveryHours = LogLerp(72, 0.45, p) * recoveryFactor;   // low: days, elite: under an hour
        DetectionMinutes = LogLerp(90, 6, p) * recoveryFactor;
        RollbackShare = Lerp(0.25, 0.6, p);
        FailedAttemptRate = Math.Min(0.5, Lerp(0.12, 0.03, p) * failureFactor);
    }

    /// <summary>The team's own score, before any golden-path lift.</summary>
    public double Performance { get; }

    public bool IsOnGoldenPath { get; }

    public bool IsInBadQuarter { get; }

    public double DeploySlotsPerWorkday { get; }

    public double PullRequestsPerEngineerPerWorkday { get; }

    public double ExtraCommitsPerPullRequest { get; }

    public double CodingHours { get; }

    public double ReviewPickupHours { get; }

    public double MergeDelayHours { get; }

    public double ChangesRequestedRate { get; }

    public double ChangeFailureRate { get; }

    public double RecoveryHours { get; }

    public double DetectionMinutes { get; }

    public double RollbackShare { get; }

    public double FailedAttemptRate { get; }

    public DemoPerformanceTier Tier => Performance switch
    {
        >= 0.75 => DemoPerformanceTier.Elite,
        >= 0.5 => DemoPerformanceTier.High,
        >= 0.25 => DemoPerformanceTier.Medium,
        _ => DemoPerformanceTier.Low,
    };

    /// <summary>The same team once its service runs on a golden-path template: faster and safer.</summary>
    public PerformanceProfile OnGoldenPath() => new(Performance, onGoldenPath: true, IsInBadQuarter);

    /// <summary>The same team in its bad quarter: more failures, slower detection and recovery.</summary>
    public PerformanceProfile InBadQuarter() => new(Performance, IsOnGoldenPath, inBadQuarter: true);

    private static double Lerp(double low, double elite, double p) => low + ((elite - low) * p);

    private static double LogLerp(double low, double elite, double p) => Math.Exp(Lerp(Math.Log(low), Math.Log(elite), p));
}
