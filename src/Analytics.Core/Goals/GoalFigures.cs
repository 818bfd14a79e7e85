using System.Globalization;
using Analytics.Core.Dora;

namespace Analytics.Core.Goals;

/// <summary>Whether a goal's figure must stay at or under its target (times, rates) or reach at least it (deployments).</summary>
public enum GoalDirection
{
    AtMost,
    AtLeast,
}

/// <summary>
/// A figure a team may set a goal on (a "working agreement"): its key, what it is called, the unit its target is written in,
/// which way is better, and how its value is read from the team's keys and PR cycle time for the period.
/// </summary>
public sealed record GoalFigure(string Key, string Name, string Unit, GoalDirection Direction, Func<DoraSummary, PullRequestCycleTime?, double?> Value)
{
    /// <summary>"at most 4 hours", "at least 5 deployments per week".</summary>
    public string TargetText(double target) =>
        $"{(Direction == GoalDirection.AtMost ? "at most" : "at least")} {GoalFigures.Format(target, Unit)}";
}

/// <summary>A goal with the team's figure for the period: met, not met, or no sample to judge by.</summary>
public sealed record GoalProgress(GoalFigure Figure, double Target, double? Value)
{
    /// <summary>Null when the period has no sample for the figure: neither met nor missed.</summary>
    public bool? Met => Value is { } value ? (Figure.Direction == GoalDirection.AtMost ? value <= Target : value >= Target) : null;

    /// <summary>The progress in words, e.g. "PR pickup time: 5.2 hours against a target of at most 4 hours — not met".</summary>
    public string Text => Value is { } value
        ? $"{Figure.Name}: {GoalFigures.Format(value, Figure.Unit)} against a target of {Figure.TargetText(Target)} — {(Met == true ? "met" : "not met")}"
        : $"{Figure.Name}: no sample in the period, target {Figure.TargetText(Target)}";
}

/// <summary>
/// The figures a team goal may name, each with its unit (docs/dashboards.md, "Team goals"). Values are the team page's own
/// figures for its period: medians of lead time, time to restore and PR pickup in hours, change failure rate in percent,
/// deployments per week as the period's production deployments over its length in weeks (days / 7).
/// </summary>
public static class GoalFigures
{
    public const string Hours = "hours";
    public const string Percent = "percent";
    public const string PerWeek = "per-week";

    public static readonly IReadOnlyList<GoalFigure> All =
    [
        new("pr-pickup", "PR pickup time (median)", Hours, GoalDirection.AtMost, (_, cycle) => cycle?.Pickup.Median?.TotalHours),
        new("pr-review", "PR review time (median)", Hours, GoalDirection.AtMost, (_, cycle) => cycle?.Review.Median?.TotalHours),
        new("lead-time", "Lead time (median)", Hours, GoalDirection.AtMost, (summary, _) => summary.LeadTime.Median?.TotalHours),
        new("change-failure-rate", "Change failure rate", Percent, GoalDirection.AtMost, (summary, _) => summary.ChangeFailureRate.Rate * 100),
        new("time-to-restore", "Time to restore service (median)", Hours, GoalDirection.AtMost, (summary, _) => summary.RecoveryTime.Median?.TotalHours),
        new("deployments-per-week", "Production deployments per week", PerWeek, GoalDirection.AtLeast,
            (summary, _) => summary.DeploymentFrequency.Deployments / ((summary.To - summary.From).TotalDays / 7)),
    ];

    public static GoalFigure? Find(string key) => All.FirstOrDefault(figure => figure.Key == key);

    /// <summary>
    /// Why a goal cannot be set, or null when it can: an unknown figure, a unit other than the figure's, a negative target,
    /// or a percentage over 100. <paramref name="unit"/> null means "the figure's own unit".
    /// </summary>
    public static string? Problem(string figure, double target, string? unit)
    {
        if (Find(figure) is not { } known)
        {
            return $"'{figure}' is not a figure a goal can be set on; one of: {string.Join(", ", All.Select(f => f.Key))}.";
        }
        if (unit is not null && unit != known.Unit)
        {
            return $"The target of '{figure}' is in {known.Unit}, not '{unit}'.";
        }
        if (double.IsNaN(target) || double.IsInfinity(target) || target < 0)
        {
            return $"The target of '{figure}' must be a number of {known.Unit}, zero or more (got {target.ToString(CultureInfo.InvariantCulture)}).";
        }
        if (known.Unit == Percent && target > 100)
        {
            return $"The target of '{figure}' is a percentage: at most 100 (got {target.ToString(CultureInfo.InvariantCulture)}).";
        }
        return null;
    }

    /// <summary>Each goal against the team's figures, in the order of <see cref="All"/>; goals naming no known figure are left out.</summary>
    public static IReadOnlyList<GoalProgress> Progress(IEnumerable<(string Figure, double Target)> goals, DoraSummary summary, PullRequestCycleTime? cycleTime)
    {
        var targets = goals.ToDictionary(goal => goal.Figure, goal => goal.Target);
        return [.. All.Where(figure => targets.ContainsKey(figure.Key)).Select(figure => new GoalProgress(figure, targets[figure.Key], figure.Value(summary, cycleTime)))];
    }

    /// <summary>A value in its unit, to one decimal: "4 hours", "12.5%", "3.5 per week".</summary>
    public static string Format(double value, string unit)
    {
        var number = Math.Round(value, 1).ToString("0.#", CultureInfo.InvariantCulture);
        return unit switch
        {
            Percent => $"{number}%",
            PerWeek => $"{number} deployments per week",
            _ => $"{number} hours",
        };
    }
}
