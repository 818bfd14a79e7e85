namespace Analytics.Core.Space;

/// <summary>The DORA keys compared before and after golden-path adoption.</summary>
public enum RoiKey
{
    /// <summary>Production deployments per month.</summary>
    DeploymentsPerMonth,

    /// <summary>Median lead time for changes, in hours.</summary>
    LeadTimeHours,

    /// <summary>Change failure rate, 0–1.</summary>
    ChangeFailureRate,

    /// <summary>Median failed-deployment recovery time, in hours.</summary>
    RecoveryHours,
}

/// <summary>
/// One adopting team's before/after comparison on one key. Windows are calendar months: Before = the N months before
/// the adoption month, After = the N months after it (the adoption month itself is left out as the transition).
/// </summary>
/// <param name="ControlChange">Mean after − before of the control teams over the same months (teams not yet on the golden path by the end of After).</param>
/// <param name="Effect">(After − Before) − ControlChange; null when the team or every control lacks a sample.</param>
public sealed record AdopterEffect(
    string Team,
    DateTimeOffset AdoptedAt,
    DateOnly BeforeFrom,
    DateOnly AfterFrom,
    DateOnly AfterTo,
    double? Before,
    double? After,
    int Controls,
    double? ControlChange,
    double? Effect);

/// <summary>
/// Difference in differences for one key: the mean over adopting teams of their effect, with a seeded bootstrap
/// interval (teams resampled). Lower is better for lead time, failure rate and recovery; higher for deployments.
/// </summary>
public sealed record DidEstimate(
    RoiKey Key,
    bool HigherIsBetter,
    double? Estimate,
    double? Lower,
    double? Upper,
    int Adopters,
    int ControlTeams,
    IReadOnlyList<AdopterEffect> Teams)
{
    /// <summary>Fewer adopting teams than MetricOptions.MinimumSample.</summary>
    public bool LowConfidence { get; init; }
}

/// <summary>
/// Hours saved by self-service for a team (Team "" = the organisation) over the requests fulfilled in the period:
/// (median ticket fulfilment − median self-service fulfilment, both the organisation's) × self-service requests.
/// Teams use the organisation's medians, so teams add up to the organisation.
/// </summary>
public sealed record HoursSavedFigure(string Team, long SelfServiceRequests, long TicketRequests, TimeSpan? TicketMedian, TimeSpan? SelfServiceMedian, double? Hours, double? Cost)
{
    public bool LowConfidence { get; init; }
}

/// <summary>The assumptions behind an ROI result, returned beside it; each can be changed per request.</summary>
/// <param name="RequestKinds">Request kinds counted; empty = every kind.</param>
public sealed record RoiAssumptions(
    int Months,
    double HourlyCost,
    string Currency,
    IReadOnlyList<string> RequestKinds,
    int BootstrapResamples,
    int BootstrapSeed,
    double IntervalLevel);
