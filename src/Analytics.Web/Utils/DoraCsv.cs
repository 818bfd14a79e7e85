using System.Globalization;
using Analytics.Core.Dora;

namespace Analytics.Web.Utils;

/// <summary>
/// DORA summaries as CSV (the dora command, panel, report and breakdown exports): one row per team — or service or
/// repository, the first column then named so — with raw values (seconds, fractions; empty = no sample).
/// </summary>
public static class DoraCsv
{
    public static void Write(IReadOnlyList<DoraSummary> summaries, TextWriter output, DoraBreakdown by = DoraBreakdown.Team) =>
        Csv.Write(output,
        [
            by.Name(), "from", "to", "tiers_year", "deployments", "failed_attempts", "deployments_per_day", "median_deployment_days_per_week", "deployment_frequency_tier",
            "lead_time_changes", "lead_time_median_seconds", "lead_time_p75_seconds", "lead_time_p90_seconds", "lead_time_excluded", "lead_time_inferred_share", "lead_time_tier",
            "change_failure_deployments", "failed_deployments", "change_failure_rate", "change_failure_tier",
            "incidents_resolved", "recovery_median_seconds", "incidents_open", "recovery_tier", "rework_deployments", "rework_rate",
            "restored_deployments", "restore_median_seconds", "awaiting_restore",
            "recovery_tier_year", "restore_tier", "restore_tier_year", "rework_unknown_kind",
            "lead_time_unit",
        ],
        summaries.Select(s => new object?[]
        {
            Figures.TeamName(s.Team), s.From.ToString("O", CultureInfo.InvariantCulture), s.To.ToString("O", CultureInfo.InvariantCulture), s.TiersYear,
            s.DeploymentFrequency.Deployments, s.DeploymentFrequency.FailedAttempts, s.DeploymentFrequency.DeploymentsPerDay,
            s.DeploymentFrequency.MedianDeploymentDaysPerWeek, s.DeploymentFrequency.Tier,
            s.LeadTime.Changes, s.LeadTime.Median?.TotalSeconds, s.LeadTime.P75?.TotalSeconds, s.LeadTime.P90?.TotalSeconds,
            s.LeadTime.Excluded, s.LeadTime.InferredShare, s.LeadTime.Tier,
            s.ChangeFailureRate.Deployments, s.ChangeFailureRate.FailedDeployments, s.ChangeFailureRate.Rate, s.ChangeFailureRate.Tier,
            s.RecoveryTime.Resolved, s.RecoveryTime.Median?.TotalSeconds, s.RecoveryTime.Open, s.RecoveryTime.Tier,
            s.ReworkRate.ReworkDeployments, s.ReworkRate.Rate,
            s.RecoveryTime.Restored, s.RecoveryTime.RestoreMedian?.TotalSeconds, s.RecoveryTime.AwaitingRestore,
            s.RecoveryTime.TierYear, s.RecoveryTime.RestoreTier, s.RecoveryTime.RestoreTierYear, s.ReworkRate.UnknownKind,
            s.LeadTime.Unit,
        }));
}
