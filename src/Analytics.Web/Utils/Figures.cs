using System.Globalization;

namespace Analytics.Web.Utils;

/// <summary>How figures are written on every page, so the same number reads the same everywhere.</summary>
public static class Figures
{
    public static string Duration(TimeSpan? value) => value switch
    {
        null => "—",
        { TotalMinutes: < 1 } v => $"{v.TotalSeconds:0} s",
        { TotalHours: < 1 } v => $"{v.TotalMinutes:0} min",
        { TotalDays: < 2 } v => $"{v.TotalHours:0.0} h",
        { } v => $"{v.TotalDays:0.0} d",
    };

    public static string Percent(double? rate) => rate is { } value ? value.ToString("0.0%", CultureInfo.InvariantCulture) : "—";

    public static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>A figure that may have no sample: its number, or a dash.</summary>
    public static string Optional(double? value) => value is { } v ? Number(v) : "—";

    /// <summary>A change against the previous period, signed (+0.5, -1.25), or a dash when there is nothing to compare.</summary>
    public static string Change(double? change) => change switch
    {
        null => "—",
        > 0 => "+" + Number(change.Value),
        _ => Number(change.Value),
    };

    /// <summary>What one lead-time sample is, as the cards and exported chart titles say it: "per commit" or "per pull request".</summary>
    public static string LeadTimeUnitText(string unit) => unit == Analytics.Core.Dora.LeadTimeUnit.PullRequest ? "per pull request" : "per commit";

    /// <summary>A deployment-frequency tier in words: no deployments in the window is said so, not ranked.</summary>
    public static string DeploymentFrequencyTier(Analytics.Core.Dora.DeploymentFrequencyFigure figure) =>
        figure.Tier?.ToString() ?? (figure.Deployments == 0 ? "no deployments in window" : "no sample");

    /// <summary>Beside a tier: the benchmark year of its table, the window it covers and its sample size.</summary>
    public static string TierBasis(Analytics.Core.Dora.DoraSummary summary, long n) =>
        $"DORA {summary.TiersYear ?? Analytics.Core.Dora.DoraTierTables.DefaultYear} · {summary.From:yyyy-MM-dd} to {summary.To.AddDays(-1):yyyy-MM-dd} · n = {n}";

    /// <summary>
    /// An ROI key in words, as the key cards name the figure it compares: deployments a month, the median lead time in
    /// the windows' unit, the change failure rate, and incidents' median time to restore service (what the ROI windows
    /// measure, sql/clickhouse/queries/dora/window_keys.sql).
    /// </summary>
    public static string RoiKeyName(Analytics.Core.Space.RoiKey key, string leadTimeUnit) => key switch
    {
        Analytics.Core.Space.RoiKey.DeploymentsPerMonth => "Deployment frequency (deployments a month)",
        Analytics.Core.Space.RoiKey.LeadTimeHours => $"Lead time for changes (median, {LeadTimeUnitText(leadTimeUnit)})",
        Analytics.Core.Space.RoiKey.ChangeFailureRate => "Change failure rate",
        Analytics.Core.Space.RoiKey.RecoveryHours => "Time to restore service (median)",
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, "Not an ROI key."),
    };

    /// <summary>What a partial bucket means, for titles and legends beside the "(partial)" mark.</summary>
    public const string PartialExplained = "partial: " + PartialReason;

    /// <summary>Why a partial bucket is marked: the caption of a chart with one says it beside the axis's "*".</summary>
    public const string PartialReason = "this period is cut by the chosen window or is not over yet, so it covers less time than the others";

    /// <summary>A bucket's date as every table writes it: "(partial)" after a bucket cut by the window or not over.</summary>
    public static string Bucket(string date, bool partial) => partial ? $"{date} (partial)" : date;

    /// <summary>
    /// A bucket's date as a chart's tables write it: "(partial)" after a partial one, "(partial, not drawn)" after one the
    /// chart leaves out (fewer than half its days in the period, docs/dashboards.md, "Partial buckets on charts").
    /// </summary>
    public static string Bucket(string date, bool partial, bool drawn) => partial && !drawn ? $"{date} (partial, not drawn)" : Bucket(date, partial);

    /// <summary>A bucket's days in the period as a chart's tables write them: "7" when whole, "3 of 7" when cut.</summary>
    public static string BucketDays(int daysInPeriod, int days) => daysInPeriod == days
        ? days.ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{daysInPeriod} of {days}");

    /// <summary>Why a chart leaves a bucket out, under the chart after the buckets it names.</summary>
    public const string NotDrawnReason =
        "too few days to set beside whole ones; counted in the key figures and in the table below (“(partial, not drawn)”)";

    /// <summary>
    /// A bucket's date as a chart's category axis writes it: "*" after a partial one (as the PNG/SVG exports do), short
    /// enough that a rotated label is not cut; the chart's caption says what "*" means.
    /// </summary>
    public static string AxisBucket(string date, bool partial) => partial ? $"{date}*" : date;

    /// <summary>The weekly median, or "no sample" when the window holds no whole week.</summary>
    public static string WeeklyMedian(double? median) => median is { } value ? Number(value) : "no sample";

    public static string TeamName(string team) => team switch
    {
        "" => "Organisation",
        _ => team,
    };
}
