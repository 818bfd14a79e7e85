namespace Analytics.Core.Space;

/// <summary>The DORA keys compared before and after golden-path adoption.</summary>
public enum RoiKey
{
    /// <summary>Production deployments per month; the effect is relative (−0.3 = 30% fewer).</summary>
    DeploymentsPerMonth,

    /// <summary>Median lead time for changes, in hours; the effect is relative.</summary>
    LeadTimeHours,

    /// <summary>Change failure rate, 0–1; the effect is a difference in percentage points (as a fraction).</summary>
    ChangeFailureRate,

    /// <summary>Median time to restore service (each resolved incident, start to resolution), in hours; the effect is relative.</summary>
    RecoveryHours,
}

/// <summary>
/// One adopting team's stacked comparison on one key. Windows are calendar months: the adoption month (the first month
/// the team's golden-path degree reached the threshold) is left out as the transition; Before = the N months before
/// it, After = the N months after it, Earlier = the N months before Before (for the pre-trend). Values are the key's
/// own (hours, deployments a month, rate); ControlChange, Effect and PreTrend are on the estimator's scale (log for
/// relative keys, see <see cref="StackedDifferenceInDifferences.Scaled"/>).
/// </summary>
/// <param name="AdoptionDegree">Share of the team's active services on a golden-path template in the adoption month.</param>
/// <param name="Controls">Comparable controls with a sample in both windows.</param>
/// <param name="ControlChange">Mean after − before of those controls.</param>
/// <param name="Effect">(After − Before) − ControlChange; null when the team or every control lacks a sample.</param>
/// <param name="PreTrend">The same comparison from Earlier to Before (no treatment yet); null when Earlier is missing.</param>
public sealed record AdopterEffect(
    string Team,
    DateOnly AdoptionMonth,
    double AdoptionDegree,
    DateOnly EarlierFrom,
    DateOnly BeforeFrom,
    DateOnly AfterFrom,
    DateOnly AfterTo,
    double? Earlier,
    double? Before,
    double? After,
    int Controls,
    double? ControlChange,
    double? Effect,
    double? PreTrend);

/// <summary>
/// Stacked difference in differences for one key (<see cref="StackedDifferenceInDifferences"/>): the mean over
/// adopters of their effect, as reported — a relative change for relative keys (−0.3 = −30%), a difference for the
/// change failure rate — with a team-clustered Bayesian-bootstrap interval and the pre-trend beside it.
/// Lower is better for lead time, failure rate and recovery; higher for deployments.
/// </summary>
/// <param name="Relative">Whether Estimate/Lower/Upper/PreTrend are relative changes (else differences).</param>
/// <param name="TooFewTeams">Fewer adopters with an effect than the minimum: no interval is given.</param>
/// <param name="Verdict">In words, what the data supports: an estimate with its interval, or why there is none.</param>
public sealed record DidEstimate(
    RoiKey Key,
    bool HigherIsBetter,
    bool Relative,
    double? Estimate,
    double? Lower,
    double? Upper,
    double? PreTrend,
    double? PreTrendLower,
    double? PreTrendUpper,
    int Adopters,
    int PreTrendAdopters,
    int ControlTeams,
    int Resamples,
    int UsableResamples,
    bool TooFewTeams,
    string Verdict,
    IReadOnlyList<AdopterEffect> Teams);

/// <summary>
/// What self-service saved for a team (Team "" = the organisation) over the requests fulfilled in the period, built from
/// measured durations and configured efforts. Waiting time is the requester's calendar time and is never priced;
/// effort is people's working time and is the only part priced.
/// </summary>
/// <param name="WaitingAvoidedHours">Σ over request kinds with both channels of (self-service requests × the kind's mean ticket fulfilment (sum ÷ count) − the sum of their own fulfilment times); null when no kind has tickets to compare with.</param>
/// <param name="RequestsWithoutComparison">Self-service requests of kinds with no measured ticket in the period: no waiting time is claimed for them.</param>
/// <param name="EffortSavedHours">Σ over self-service requests of (ticket effort of its kind − self-service effort).</param>
/// <param name="Cost">EffortSavedHours × the hourly cost.</param>
public sealed record SavingsFigure(
    string Team,
    long SelfServiceRequests,
    long TicketRequests,
    double? WaitingAvoidedHours,
    long RequestsWithoutComparison,
    double EffortSavedHours,
    double Cost)
{
    /// <summary>Fewer self-service requests than MetricOptions.MinimumSample.</summary>
    public bool LowConfidence { get; init; }
}

/// <summary>The assumptions behind an ROI result, returned beside it; months, hourly cost and kinds can be changed per request.</summary>
/// <param name="RequestKinds">Request kinds counted; empty = every kind.</param>
/// <param name="AdoptionThreshold">Share of a team's active services on a golden-path template from which the team counts as adopted.</param>
/// <param name="MinimumAdopters">Fewest adopters with an effect for an interval to be given.</param>
/// <param name="TicketEffortHours">Working time a ticket costs (platform and requester together), per kind; <see cref="DefaultTicketEffortHours"/> for other kinds.</param>
/// <param name="SelfServiceEffortHours">Working time a self-service request costs.</param>
public sealed record RoiAssumptions(
    int Months,
    double HourlyCost,
    string Currency,
    IReadOnlyList<string> RequestKinds,
    int BootstrapResamples,
    int BootstrapSeed,
    double IntervalLevel,
    double AdoptionThreshold,
    int MinimumAdopters,
    double DefaultTicketEffortHours,
    IReadOnlyDictionary<string, double> TicketEffortHours,
    double SelfServiceEffortHours)
{
    /// <summary>The ticket effort of a request kind: its configured value, else the default.</summary>
    public double TicketEffortOf(string kind) => TicketEffortHours.TryGetValue(kind, out var hours) ? hours : DefaultTicketEffortHours;
}
