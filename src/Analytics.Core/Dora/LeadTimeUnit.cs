namespace Analytics.Core.Dora;

/// <summary>
/// What one lead-time sample is (docs/metrics.md, "Lead time per pull request"): a commit (first production
/// deployment that shipped it − its commit time) or a merged pull request (first production deployment that shipped
/// its merge or squash commit − its first commit's author time). Written as in configuration, the API and the CLI.
/// </summary>
public static class LeadTimeUnit
{
    public const string Commit = "commit";
    public const string PullRequest = "pull-request";

    public static readonly IReadOnlyList<string> All = [Commit, PullRequest];

    /// <summary>The unit <paramref name="written"/> names (ignoring case and surrounding blanks); null when it names none.</summary>
    public static string? Parse(string? written) =>
        All.FirstOrDefault(unit => string.Equals(unit, written?.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>What a reader may write, for messages: "commit or pull-request".</summary>
    public static string Choices => string.Join(" or ", All);
}
