using System.Text.RegularExpressions;

namespace Analytics.Core.Dora;

/// <summary>What a hotfix rule reads: the name of a branch, of a tag, or a pull request's label.</summary>
public enum HotfixRuleTarget
{
    Branch,
    Tag,
    Label,
}

/// <summary>
/// The hotfix rules of configuration (<see cref="MetricOptions.HotfixBranchPattern"/>, …): regular expressions, unanchored
/// (anchor with <c>^</c>/<c>$</c>), applied by ClickHouse (RE2) in sql/clickhouse/derived/production_deployments.sql and
/// by .NET in the oracle. The syntax both share is the one accepted: constructs RE2 lacks (look-around,
/// back-references) are refused at start-up rather than failing every refresh.
/// </summary>
public static class HotfixRules
{
    private static readonly Regex Re2Unsupported = new(@"\(\?<?[=!]|\\[1-9]|\\k<", RegexOptions.CultureInvariant);

    /// <summary>Each rule with its setting's name; an empty pattern is no rule.</summary>
    public static IEnumerable<(string Setting, HotfixRuleTarget Target, string Pattern)> Rules(this MetricOptions options) =>
    [
        (nameof(MetricOptions.HotfixBranchPattern), HotfixRuleTarget.Branch, options.HotfixBranchPattern ?? ""),
        (nameof(MetricOptions.HotfixTagPattern), HotfixRuleTarget.Tag, options.HotfixTagPattern ?? ""),
        (nameof(MetricOptions.HotfixLabelPattern), HotfixRuleTarget.Label, options.HotfixLabelPattern ?? ""),
    ];

    /// <summary>Why a pattern cannot be a rule, or null when it can.</summary>
    public static string? Problem(string pattern)
    {
        if (pattern.Length == 0)
        {
            return null;
        }
        if (Re2Unsupported.IsMatch(pattern))
        {
            return $"uses look-around or a back-reference, which ClickHouse's regular expressions (RE2) do not support (was '{pattern}').";
        }
        try
        {
            _ = new Regex(pattern, RegexOptions.CultureInvariant);
            return null;
        }
        catch (ArgumentException error)
        {
            return $"is not a valid regular expression: {error.Message}";
        }
    }

    /// <summary>Whether <paramref name="name"/> meets the rule for <paramref name="target"/>; never with an empty name or pattern.</summary>
    public static bool Matches(this MetricOptions options, HotfixRuleTarget target, string name)
    {
        var pattern = options.Rules().Single(rule => rule.Target == target).Pattern;
        return name.Length > 0 && pattern.Length > 0 && Regex.IsMatch(name, pattern, RegexOptions.CultureInvariant);
    }

    /// <summary>The name settings_hotfix_rules.applies_to gives a target.</summary>
    public static string AppliesTo(HotfixRuleTarget target) => target.ToString().ToLowerInvariant();
}
