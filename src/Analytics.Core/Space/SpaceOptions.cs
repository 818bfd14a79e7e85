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

    /// <summary>Bootstrap resamples for the difference-in-differences interval.</summary>
    public int BootstrapResamples { get; set; } = 2000;

    /// <summary>Seed of the bootstrap: the same data and seed give the same interval.</summary>
    public int BootstrapSeed { get; set; } = 20240917;

    /// <summary>Cost of an engineer's hour, for the money value of hours saved by self-service.</summary>
    public double HourlyCost { get; set; } = 100;

    /// <summary>Currency the hourly cost is in (a label only).</summary>
    public string Currency { get; set; } = "EUR";

    /// <summary>Service request kinds whose self-service saves time (e.g. "environment", "database"); empty = every kind.</summary>
    public List<string> SelfServiceKinds { get; set; } = [];
}
