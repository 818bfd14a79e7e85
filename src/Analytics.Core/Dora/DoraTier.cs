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
    public static DoraTier? DeploymentFrequency(double? medianDeploymentDaysPerWeek, double deploymentsPerMonth) =>
        DoraTierTables.Default.ClassifyDeploymentFrequency(medianDeploymentDaysPerWeek, deploymentsPerMonth);

    public static DoraTier LeadTime(TimeSpan median) => DoraTierTables.Default.ClassifyLeadTime(median);

    /// <param name="rate">Between 0 and 1.</param>
    public static DoraTier ChangeFailureRate(double rate) => DoraTierTables.Default.ClassifyChangeFailureRate(rate);

    /// <summary>The default year's recovery-time bands, whichever figure that year grades (2023: failed-deployment recovery time).</summary>
    public static DoraTier RecoveryTime(TimeSpan median) => DoraTierTables.Default.ClassifyRecoveryTime(median);

    /// <summary>Time to restore service (incidents), by the table nearest the default year that grades it (2021).</summary>
    public static DoraTier TimeToRestoreService(TimeSpan median) =>
        DoraTierTables.NearestGrading(DoraTierTables.DefaultYear, RecoveryMeasure.TimeToRestoreService).ClassifyRecoveryTime(median);

    /// <summary>Failed-deployment recovery time, by the table nearest the default year that grades it (2023).</summary>
    public static DoraTier FailedDeploymentRecoveryTime(TimeSpan median) =>
        DoraTierTables.NearestGrading(DoraTierTables.DefaultYear, RecoveryMeasure.FailedDeploymentRecoveryTime).ClassifyRecoveryTime(median);
}
