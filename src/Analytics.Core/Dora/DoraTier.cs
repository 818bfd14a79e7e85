namespace Analytics.Core.Dora;

/// <summary>DORA performance level. Shown with its name, never by colour alone.</summary>
public enum DoraTier
{
    Low,
    Medium,
    High,
    Elite,
}

/// <summary>
/// Contiguous tier thresholds. The published DORA clusters overlap or leave gaps between years, so the
/// product states one rule per key (docs/metrics.md): the 2023 report's bounds, made contiguous, with the
/// lower bound of a tier inclusive. Deployment frequency follows Four Keys: median deployment days per week.
/// </summary>
public static class DoraTiers
{
    public static DoraTier DeploymentFrequency(double medianDeploymentDaysPerWeek, double deploymentsPerMonth) =>
        medianDeploymentDaysPerWeek >= 3 ? DoraTier.Elite
        : medianDeploymentDaysPerWeek >= 1 ? DoraTier.High
        : deploymentsPerMonth >= 1 ? DoraTier.Medium
        : DoraTier.Low;

    public static DoraTier LeadTime(TimeSpan median) =>
        median < TimeSpan.FromDays(1) ? DoraTier.Elite
        : median < TimeSpan.FromDays(7) ? DoraTier.High
        : median < TimeSpan.FromDays(30) ? DoraTier.Medium
        : DoraTier.Low;

    /// <param name="rate">Between 0 and 1.</param>
    public static DoraTier ChangeFailureRate(double rate) =>
        rate <= 0.05 ? DoraTier.Elite
        : rate <= 0.10 ? DoraTier.High
        : rate <= 0.15 ? DoraTier.Medium
        : DoraTier.Low;

    public static DoraTier RecoveryTime(TimeSpan median) =>
        median < TimeSpan.FromHours(1) ? DoraTier.Elite
        : median < TimeSpan.FromDays(1) ? DoraTier.High
        : median < TimeSpan.FromDays(7) ? DoraTier.Medium
        : DoraTier.Low;
}
