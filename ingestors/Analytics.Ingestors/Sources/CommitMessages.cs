using System.Text.RegularExpressions;

namespace Analytics.Ingestors.Sources;

/// <summary>What every source that reads commits keeps from a commit message besides its subject.</summary>
public static partial class CommitMessages
{
    /// <summary>
    /// The shas a message says it reverts: git's <c>This reverts commit &lt;sha&gt;.</c> lines (<c>git revert</c>, and
    /// GitHub's revert pull requests, whose commits git makes), lower-cased, each once; none for other messages.
    /// The deployment-kind rules read them (commits.reverts; docs/metrics.md, "Deployment kinds").
    /// </summary>
    public static string[] Reverts(string? message) =>
        string.IsNullOrEmpty(message)
            ? []
            : RevertLine().Matches(message).Select(match => match.Groups[1].Value.ToLowerInvariant()).Distinct().ToArray();

    [GeneratedRegex(@"\bThis reverts commit ([0-9a-fA-F]{7,64})\b", RegexOptions.CultureInvariant)]
    private static partial Regex RevertLine();
}
