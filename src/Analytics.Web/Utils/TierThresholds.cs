using System.Globalization;
using Analytics.Core.Calendar;
using Analytics.Core.Dora;

namespace Analytics.Web.Utils;

/// <summary>A tier's bound on a chart's value axis, with the words of its label ("Elite: under 24.0 h").</summary>
public sealed record TierThreshold(string Tiers, double Value, string Label);

/// <summary>
/// The reference lines of a DORA key's chart: the bounds of the chart's tier table (Core's DoraTierTables, the cards'
/// table), in the chart's unit. Low has no bound, so at most three lines; tiers sharing a bound share a line.
/// </summary>
public static class TierThresholds
{
    private const double DaysPerYear = 365.25;

    /// <param name="metric">The series metric (PanelKinds.SeriesMetrics): deployments, lead_time_median_hours, change_failure_rate (%), recovery_median_hours.</param>
    /// <param name="granularity">A deployments chart's bucket: its bounds are deployments per bucket (a day has none: a cadence is not a day's count).</param>
    /// <returns>Empty for a metric without tiers (failed deployments, incidents resolved).</returns>
    public static IReadOnlyList<TierThreshold> For(string? metric, Granularity granularity, DoraTierTable table)
    {
        IEnumerable<(DoraTier Tier, double Value, string Bound)> bounds = metric switch
        {
            "lead_time_median_hours" => Bands(table.LeadTime).Select(b => (b.Tier, b.Band.Under!.Value.TotalHours, $"under {Figures.Duration(b.Band.Under)}")),
            "change_failure_rate" => Bands(table.ChangeFailureRate).Select(b => (b.Tier, b.Band.AtMost!.Value * 100, $"at most {Figures.Percent(b.Band.AtMost)}")),
            // The weekly series holds incidents' time to restore service: graded by the nearest year whose table grades it.
            "recovery_median_hours" => Bands(DoraTierTables.NearestGrading(table.Year, RecoveryMeasure.TimeToRestoreService).RecoveryTime)
                .Select(b => (b.Tier, b.Band.Under!.Value.TotalHours, $"under {Figures.Duration(b.Band.Under)}")),
            "deployments" when granularity != Granularity.Day => Bands(table.DeploymentFrequency)
                .Select(b => (b.Tier, PerBucket(b.Band.AtLeast!.Value, granularity), $"{Cadence(b.Band.AtLeast!.Value)}")),
            _ => [],
        };
        return bounds
            .GroupBy(bound => Math.Round(bound.Value, 6))
            .Select(group => new TierThreshold(string.Join("/", group.Select(b => b.Tier)), group.First().Value,
                $"{string.Join("/", group.Select(b => b.Tier))}: {group.First().Bound}"))
            .OrderBy(threshold => threshold.Value)
            .ToList();
    }

    /// <summary>The benchmark year the lines come from, as the chart's caption names it.</summary>
    public static int YearOf(string? metric, DoraTierTable table) =>
        metric == "recovery_median_hours" ? DoraTierTables.NearestGrading(table.Year, RecoveryMeasure.TimeToRestoreService).Year : table.Year;

    private static IEnumerable<(DoraTier Tier, DoraTierBand Band)> Bands(DoraKeyBands bands) =>
        [(DoraTier.Elite, bands.Elite), (DoraTier.High, bands.High), (DoraTier.Medium, bands.Medium)];

    /// <summary>
    /// A cadence's bound as production deployments per bucket. Daily and weekly are medians of deployment days a week
    /// (3 and 1, DoraTierTable.CadenceOf); a bucket's deployments are at least its deployment days, so a bucket under the
    /// line is certainly under the cadence.
    /// </summary>
    private static double PerBucket(DeploymentCadence cadence, Granularity granularity)
    {
        var perWeek = cadence switch
        {
            DeploymentCadence.Daily => 3,
            DeploymentCadence.Weekly => 1,
            DeploymentCadence.Monthly => 12 / DaysPerYear * 7,
            _ => 2 / DaysPerYear * 7,
        };
        return granularity == Granularity.Month ? perWeek * DaysPerYear / 12 / 7 : perWeek;
    }

    private static string Cadence(DeploymentCadence cadence) => cadence switch
    {
        DeploymentCadence.Daily => "daily (3+ deployment days a week)",
        DeploymentCadence.Weekly => "weekly (1+ deployment day a week)",
        DeploymentCadence.Monthly => "monthly (1+ deployment a month)",
        _ => "half-yearly (1+ deployment in six months)",
    };

    /// <summary>The caption listing every bound, so the lines a chart leaves out of its range are still said.</summary>
    public static string Caption(IReadOnlyList<TierThreshold> thresholds, int year) =>
        $"Tier bounds (DORA {year.ToString(CultureInfo.InvariantCulture)}): {string.Join("; ", thresholds.Select(t => t.Label))}.";
}
