namespace Analytics.Core.Space;

/// <summary>
/// Configuration section "Analytics:Space": survey privacy, ROI assumptions. Every figure's choices are stated in
/// docs/metrics.md; the ROI assumptions are also returned beside each ROI result. Checked by <see cref="SpaceOptionsValidator"/>.
/// </summary>
public sealed class SpaceOptions
{
    public const string Section = "Analytics:Space";

    /// <summary>The smallest number of distinct respondents any survey figure is shown for (K). Never below <see cref="SurveyPrivacy.Floor"/>.</summary>
    public int MinimumRespondents { get; set; } = 5;

    /// <summary>
    /// Days after its first answer that a survey wave closes on its own (earlier with <c>analytics surveys close</c>):
    /// from then on its answers are shown and frozen (docs/metrics.md, "Survey waves").
    /// </summary>
    public int SurveyWaveDays { get; set; } = 28;

    /// <summary>Months compared before and after a team's golden-path adoption (N).</summary>
    public int RoiMonths { get; set; } = 3;

    /// <summary>
    /// Share (0–1, above 0) of a team's active services on a golden-path template from which the team counts as adopted:
    /// its adoption month is the first month its share reaches this (docs/metrics.md, "ROI of the golden path").
    /// </summary>
    public double RoiAdoptionThreshold { get; set; } = 0.5;

    /// <summary>Fewest adopting teams with an estimate for which an interval is given; below it the ROI says "too few teams".</summary>
    public int RoiMinimumAdopters { get; set; } = StackedDifferenceInDifferences.DefaultMinimumAdopters;

    /// <summary>Hours of work a ticket takes, platform and requester together, for kinds <see cref="TicketEffortByKind"/> does not list.</summary>
    public double TicketEffort { get; set; } = 0.75;

    /// <summary>Hours of work a ticket takes per request kind (e.g. "database": 2), overriding <see cref="TicketEffort"/>.</summary>
    public Dictionary<string, double> TicketEffortByKind { get; set; } = [];

    /// <summary>Hours of work a self-service request takes (filling in the form, checking the result).</summary>
    public double SelfServiceEffort { get; set; } = 0.1;

    /// <summary>Bayesian-bootstrap resamples for the difference-in-differences interval.</summary>
    public int BootstrapResamples { get; set; } = 2000;

    /// <summary>Seed of the bootstrap: the same data and seed give the same interval.</summary>
    public int BootstrapSeed { get; set; } = 20240917;

    /// <summary>Cost of an engineer's hour, for the money value of the effort self-service saved (waiting time is never priced).</summary>
    public double HourlyCost { get; set; } = 100;

    /// <summary>Currency the hourly cost is in (a label only).</summary>
    public string Currency { get; set; } = "EUR";

    /// <summary>Service request kinds whose self-service saves time (e.g. "environment", "database"); empty = every kind.</summary>
    public List<string> SelfServiceKinds { get; set; } = [];
}
