using System.Globalization;
using System.Text.RegularExpressions;
using Analytics.Web.Utils;

namespace Analytics.Web.Tests.Hosting;

/// <summary>
/// What the overview and team pages (both through DoraKeyCards) should show for a summary, written with the
/// app's own <see cref="Figures"/>, and the reading of the page's window line back into a period, so
/// expectations are computed for the same [from, to) the page used (the demo and the default period both end "today").
/// </summary>
public static partial class OverviewText
{
    /// <summary>The four keys' cards by data-testid, in page order: each has a figure and a tier badge.</summary>
    public static readonly IReadOnlyList<string> Cards = ["deployment-frequency", "lead-time", "change-failure-rate", "recovery-time"];

    /// <summary>Every card of DoraKeyCards in page order: the four keys, then the rework rate (a figure without a tier).</summary>
    public static readonly IReadOnlyList<string> KeyCards = [.. Cards, "rework-rate"];

    public static IReadOnlyDictionary<string, string> FiguresOf(DoraSummary summary) => new Dictionary<string, string>
    {
        ["deployment-frequency"] = $"{Figures.Number(summary.DeploymentFrequency.DeploymentsPerDay)} / day",
        ["lead-time"] = Figures.Duration(summary.LeadTime.Median),
        ["change-failure-rate"] = Figures.Percent(summary.ChangeFailureRate.Rate),
        ["recovery-time"] = Figures.Duration(summary.RecoveryTime.KeyMedian),
        ["rework-rate"] = Figures.Percent(summary.ReworkRate.Rate),
    };

    /// <summary>The data-tier attribute of each card's badge: the tier's name, or "none" for no sample.</summary>
    public static IReadOnlyDictionary<string, string> TiersOf(DoraSummary summary) => new Dictionary<string, string>
    {
        ["deployment-frequency"] = TierAttribute(summary.DeploymentFrequency.Tier),
        ["lead-time"] = TierAttribute(summary.LeadTime.Tier),
        ["change-failure-rate"] = TierAttribute(summary.ChangeFailureRate.Tier),
        ["recovery-time"] = TierAttribute(summary.RecoveryTime.KeyTier),
    };

    public static string TierAttribute(DoraTier? tier) => tier?.ToString() ?? "none";

    /// <summary>The badge's visible text for a data-tier value.</summary>
    public static string TierText(string tierAttribute) => tierAttribute == "none" ? "no sample" : tierAttribute;

    /// <summary>Parses "2026-08-28 to 2026-11-25 (UTC), …" into [2026-08-28, 2026-11-26).</summary>
    public static (DateTimeOffset From, DateTimeOffset To) ParseWindow(string text)
    {
        var match = WindowPattern().Match(text);
        if (!match.Success)
        {
            throw new FormatException($"The window line '{text}' does not read 'yyyy-MM-dd to yyyy-MM-dd (UTC)'.");
        }
        var from = DateTimeOffset.ParseExact(match.Groups["from"].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        var last = DateTimeOffset.ParseExact(match.Groups["last"].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        return (from, last.AddDays(1));
    }

    /// <summary>Collapses runs of white space, as a reader (or innerText) sees them.</summary>
    public static string Normalise(string text) => Whitespace().Replace(text, " ").Trim();

    [GeneratedRegex(@"(?<from>\d{4}-\d{2}-\d{2}) to (?<last>\d{4}-\d{2}-\d{2}) \(UTC\)")]
    private static partial Regex WindowPattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
