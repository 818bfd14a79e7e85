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
/// The tiers of the default benchmark year (<see cref="DoraTierTables.Default"/>), for code that computes figures
/// before a reader chose a year; <see cref="DoraTierTable.Apply"/> re-tiers a summary with another year's table.
/// Deployment frequency follows Four Keys: median deployment days per week.
/// </summary>
public static class DoraTiers
{
    /// <summary>Null without deployments (a deployments-per-month of zero): no deployments is not a tier.</summary>
    public static DoraTier? DeploymentFrequency(double medianDeploymentDaysPerWeek, double deploymentsPerMonth) =>
        DoraTierTables.Default.ClassifyDeploymentFrequency(medianDeploymentDaysPerWeek, deploymentsPerMonth);

    public static DoraTier LeadTime(TimeSpan median) => DoraTierTables.Default.ClassifyLeadTime(median);

    /// <param name="rate">Between 0 and 1.</param>
    public static DoraTier ChangeFailureRate(double rate) => DoraTierTables.Default.ClassifyChangeFailureRate(rate);

    public static DoraTier RecoveryTime(TimeSpan median) => DoraTierTables.Default.ClassifyRecoveryTime(median);
}
