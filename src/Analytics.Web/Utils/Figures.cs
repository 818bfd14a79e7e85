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

    /// <summary>A deployment-frequency tier in words: no deployments in the window is said so, not ranked.</summary>
    public static string DeploymentFrequencyTier(Analytics.Core.Dora.DeploymentFrequencyFigure figure) =>
        figure.Tier?.ToString() ?? (figure.Deployments == 0 ? "no deployments in window" : "no sample");

    /// <summary>Beside a tier: the benchmark year of its table, the window it covers and its sample size.</summary>
    public static string TierBasis(Analytics.Core.Dora.DoraSummary summary, long n) =>
        $"DORA {summary.TiersYear ?? Analytics.Core.Dora.DoraTierTables.DefaultYear} · {summary.From:yyyy-MM-dd} to {summary.To.AddDays(-1):yyyy-MM-dd} · n = {n}";

    public static string TeamName(string team) => team switch
    {
        "" => "Organisation",
        _ => team,
    };
}
