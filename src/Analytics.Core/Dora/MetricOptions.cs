namespace Analytics.Core.Dora;

/// <summary>
/// Configuration section "Analytics:Metrics": the choices behind every figure, shown in docs/metrics.md. The one
/// class bound to it: the query layer and deployment linking read the same instance. Checked by <see cref="MetricOptionsValidator"/>.
/// </summary>
public sealed class MetricOptions
{
    public const string Section = "Analytics:Metrics";

    /// <summary>IANA time zone that days, ISO weeks and months are cut in.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>Lead time starts at the author time instead of the committer time.</summary>
    public bool UseAuthorTime { get; set; }

    /// <summary>
    /// What a lead-time sample is, unless a request asks for the other (<see cref="Dora.LeadTimeUnit"/>): <c>commit</c>
    /// (each commit; squash and merge-commit pull requests weigh differently) or <c>pull-request</c> (each merged pull request).
    /// </summary>
    public string LeadTimeUnit { get; set; } = Dora.LeadTimeUnit.Commit;

    /// <summary>How long after a deployment an unlinked incident is still attributed to it, to the millisecond.</summary>
    public TimeSpan IncidentAttributionWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>What start-up refuses for <see cref="IncidentAttributionWindow"/>, and why.</summary>
    public const string IncidentAttributionWindowRule =
        "Analytics:Metrics:IncidentAttributionWindow must be positive and a whole number of milliseconds (times are stored to the millisecond), e.g. 7.00:00:00, 2.19:30:00 or 00:30:00.";

    public bool IncidentAttributionWindowIsValid =>
        IncidentAttributionWindow > TimeSpan.Zero && IncidentAttributionWindow.Ticks % TimeSpan.TicksPerMillisecond == 0;

    /// <summary>The window as the SQL takes it (parameter incident_window_ms), exact for every valid window.</summary>
    public ulong IncidentAttributionWindowMilliseconds => (ulong)Math.Max(0, IncidentAttributionWindow.Ticks / TimeSpan.TicksPerMillisecond);

    /// <summary>The DORA report (2021, 2023 or 2024) whose published tiers classify the figures; a reader can pick another (?tiers=).</summary>
    public int TierYear { get; set; } = DoraTierTables.DefaultYear;

    /// <summary>A median or rate from fewer samples than this is shown flagged as low-confidence.</summary>
    public int MinimumSample { get; set; } = 5;

    /// <summary>
    /// A service's first production deployment ships only commits made this long before it finished. Without a
    /// bound, adopting the product on a years-old repository would count years of history as one deployment's
    /// changes and inflate lead time.
    /// </summary>
    public TimeSpan FirstDeploymentLookback { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// A deployment whose kind no source stated is a hotfix when the branch it was deployed from, or the branch of a
    /// merge or pull request it shipped, matches this regular expression (docs/metrics.md, "Deployment kinds"). Empty: no rule.
    /// </summary>
    public string HotfixBranchPattern { get; set; } = DefaultHotfixBranchPattern;

    /// <summary>The same for the tag a deployment was made from (a git tag, a GitHub release).</summary>
    public string HotfixTagPattern { get; set; } = DefaultHotfixTagPattern;

    /// <summary>The same for a label of a pull request the deployment shipped.</summary>
    public string HotfixLabelPattern { get; set; } = DefaultHotfixLabelPattern;

    /// <summary>
    /// A failed deployment not yet restored stops counting as "awaiting a restore" once its service has had no
    /// production deployment for this long: a retired or frozen service is not awaiting anything.
    /// </summary>
    public TimeSpan AwaitingRestoreLimit { get; set; } = TimeSpan.FromDays(30);

    // The defaults, also written by migration 0013 into settings_hotfix_rules (hotfix/x, hot-fix-x, hotfixes_y;
    // v1.2.3-hotfix1; labels "hotfix", "type: hotfix"), each case-insensitive.
    public const string DefaultHotfixBranchPattern = "(?i)^hot-?fix(es)?[/_-]";
    public const string DefaultHotfixTagPattern = "(?i)hot-?fix";
    public const string DefaultHotfixLabelPattern = "(?i)^(type: ?)?hot-?fix$";

    /// <summary>
    /// The Jira projects whose issue keys (<c>ABC-123</c>) count when read from pull request titles and head branches
    /// (docs/metrics.md, "Issues: key → pull requests → deployment"). Empty: every key written in upper case counts,
    /// except the few prefixes that are standards rather than projects (UTF-8, SHA-256, ISO-8601, …); with projects
    /// named, only theirs count, written in any case (<c>feature/abc-123-login</c>).
    /// </summary>
    public List<string> IssueKeyProjects { get; set; } = [];

    /// <summary>What a Jira project key looks like (Jira's rule: a letter, then letters, digits or underscores).</summary>
    public const string IssueKeyProjectPattern = "^[A-Z][A-Z0-9_]+$";

    /// <summary>The configured projects as the SQL takes them (parameter <c>projects</c>), upper case.</summary>
    public string[] IssueKeyProjectsParameter() => IssueKeyProjects.Select(project => project.Trim().ToUpperInvariant()).Distinct().Order(StringComparer.Ordinal).ToArray();

    /// <summary>Logins whose pull requests and reviews never count, besides those the source flags as bots.</summary>
    public List<string> BotLogins { get; set; } = ["dependabot[bot]", "renovate[bot]", "github-actions[bot]"];
}
