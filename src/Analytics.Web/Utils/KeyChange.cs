using System.Globalization;

namespace Analytics.Web.Utils;

/// <summary>
/// A key card's change against the previous period of the same length, in words: "▲ 12% vs previous 30 days: worse".
/// Counts and durations change by a share of the earlier figure; rates (change failure, rework) by percentage points,
/// since a share of a rate (5% → 10% is "+100%") reads as far worse than it is. Whether up is better is said in words,
/// so the arrow's colour is never the only signal.
/// </summary>
public static class KeyChange
{
    /// <summary>What a change against an earlier figure without a sample reads.</summary>
    public const string NoEarlierFigure = "no earlier figure";

    /// <param name="current">This period's figure; null = no sample now.</param>
    /// <param name="previous">The previous period's figure; null = no sample then.</param>
    /// <param name="previousN">The previous figure's sample size: n = 0 is "no earlier figure", whatever the figure reads.</param>
    /// <param name="lowerIsBetter">Lead time, recovery, change failure and rework rate: a fall is better.</param>
    /// <param name="rate">The figures are rates between 0 and 1: the change is in percentage points.</param>
    /// <param name="days">The length of both periods, for "vs previous 30 days".</param>
    public static string Describe(double? current, double? previous, long previousN, bool lowerIsBetter, bool rate, int days)
    {
        var against = $"vs previous {days.ToString(CultureInfo.InvariantCulture)} days";
        if (previousN == 0 || previous is not { } before)
        {
            return $"{NoEarlierFigure} ({against[3..]})";
        }
        if (current is not { } now)
        {
            return $"no figure this period to compare {against}";
        }
        string amount;
        if (rate)
        {
            var points = Math.Round((now - before) * 100, 1, MidpointRounding.AwayFromZero);
            if (points == 0)
            {
                return $"no change {against}";
            }
            amount = $"{Math.Abs(points).ToString("0.0", CultureInfo.InvariantCulture)} pp";
        }
        else if (before == 0)
        {
            if (now == 0)
            {
                return $"no change {against}";
            }
            amount = "from 0";
        }
        else
        {
            var share = Math.Round((now - before) / before * 100, MidpointRounding.AwayFromZero);
            if (share == 0)
            {
                return $"no change {against}";
            }
            amount = $"{Math.Abs(share).ToString("0", CultureInfo.InvariantCulture)}%";
        }
        var up = now > before;
        var better = up != lowerIsBetter;
        return $"{(up ? "▲" : "▼")} {amount} {against}: {(better ? "better" : "worse")}";
    }

    /// <summary>"better", "worse" or null (no change, or nothing to compare), for styling beside the words.</summary>
    public static string? Direction(string described) =>
        described.EndsWith(": better", StringComparison.Ordinal) ? "better" : described.EndsWith(": worse", StringComparison.Ordinal) ? "worse" : null;
}
