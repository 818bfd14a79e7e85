using Analytics.Ingestors.Runs;
using Analytics.Ingestors.Sources;
using Microsoft.Extensions.Configuration;

namespace Analytics.Ingestors.GitLab;

/// <summary>
/// The settings of one <c>gitlab</c> source (gitlab.com or a self-managed GitLab), read from
/// <c>Analytics:Sources:&lt;name&gt;</c>. The token is held here and put on requests by <see cref="GitLabApi"/> only:
/// this type has no <c>ToString</c> that shows it, and it is never put in a message.
/// </summary>
public sealed class GitLabSourceSettings
{
    public const string Kind = "gitlab";

    public static readonly SourceKindSettings KindSettings = new(Kind, typeof(GitLabSourceSettings), Validate);

    public static readonly Uri GitLabDotCom = new("https://gitlab.com/");

    /// <summary>The source's name: the key of its section (not a setting).</summary>
    public string Name { get; private init; } = "";

    /// <summary><c>https://gitlab.com/</c> (default) or a self-managed GitLab such as <c>https://gitlab.acme.test/</c>; <c>api/v4/</c> is added.</summary>
    public Uri BaseUrl { get; init; } = GitLabDotCom;

    /// <summary>A personal, group or project access token with the <c>read_api</c> scope (or an OAuth token, see <see cref="Authentication"/>).</summary>
    public string Token { get; init; } = "";

    /// <summary><c>private-token</c> (default: the <c>PRIVATE-TOKEN</c> header, for access tokens) or <c>bearer</c> (<c>Authorization: Bearer</c>, for OAuth tokens).</summary>
    public string Authentication { get; init; } = PrivateToken;

    public const string PrivateToken = "private-token";

    public const string Bearer = "bearer";

    /// <summary>Every project of these groups (full paths such as <c>acme</c> or <c>acme/platform</c>), subgroups included, is read.</summary>
    public IReadOnlyList<string> Groups { get; init; } = [];

    /// <summary>Single projects by full path (<c>acme/shop</c>), read as well as the groups'.</summary>
    public IReadOnlyList<string> Projects { get; init; } = [];

    /// <summary>Nothing older is read (commits by commit time, merge requests and deployments by update time); null = all history.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Items per page (GitLab's maximum, 100, by default: fewer pages cost fewer requests).</summary>
    public int PageSize { get; init; } = 100;

    public bool Commits { get; init; } = true;

    public bool MergeRequests { get; init; } = true;

    public bool Deployments { get; init; } = true;

    /// <summary>Retries of one request after a 5xx answer, a timeout, a dropped connection or a truncated body (exponential backoff with jitter).</summary>
    public int MaxRetries { get; init; } = 5;

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>The longest the run waits when GitLab answers 429; longer, and the run fails instead. GitLab.com's windows are a minute long.</summary>
    public TimeSpan MaxRateLimitWait { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>The REST root: <see cref="BaseUrl"/> with <c>api/v4/</c> (unless it already ends so).</summary>
    public Uri ApiAddress() =>
        BaseUrl.AbsolutePath.TrimEnd('/').EndsWith("/api/v4", StringComparison.OrdinalIgnoreCase) ? BaseUrl : new Uri(BaseUrl, "api/v4/");

    /// <summary>Every problem with <paramref name="settings"/>, each naming its setting (never showing the token).</summary>
    public static IReadOnlyList<string> Validate(IConfigurationSection settings)
    {
        Read(settings, out var problems);
        return problems;
    }

    /// <exception cref="ArgumentException">A setting is invalid (the message names each).</exception>
    public static GitLabSourceSettings Parse(IConfigurationSection settings)
    {
        var parsed = Read(settings, out var problems);
        return problems.Count == 0 ? parsed! : throw new ArgumentException(string.Join(" ", problems), nameof(settings));
    }

    private static GitLabSourceSettings? Read(IConfigurationSection section, out List<string> problems)
    {
        var read = new SourceSettingsReader(section);
        var errors = read.Problems;
        problems = errors;
        var prefix = section.Path;
        var token = read.Secret("Token", "a GitLab token");
        var baseUrl = read.Address("BaseUrl", GitLabDotCom, carried: "token", examples: "https://gitlab.com/ or https://gitlab.acme.test/");
        var authentication = (read.Text("Authentication") ?? PrivateToken).ToLowerInvariant();
        if (authentication is not (PrivateToken or Bearer))
        {
            errors.Add($"{prefix}:Authentication must be {PrivateToken} (an access token, sent as PRIVATE-TOKEN) or {Bearer} (an OAuth token).");
        }
        var groups = read.List("Groups");
        var projects = read.List("Projects");
        foreach (var project in projects.Where(p => !p.Contains('/', StringComparison.Ordinal) || p.StartsWith('/') || p.EndsWith('/')))
        {
            errors.Add($"{prefix}:Projects: '{project}' is not a project's full path (group/name).");
        }
        if (groups.Count == 0 && projects.Count == 0)
        {
            errors.Add($"{prefix}:Groups or {prefix}:Projects must name what to read.");
        }
        var parsed = new GitLabSourceSettings
        {
            Name = section.Key,
            BaseUrl = baseUrl,
            Token = token,
            Authentication = authentication,
            Groups = groups,
            Projects = projects,
            Since = read.Time("Since"),
            PageSize = read.Integer("PageSize", 100, 1, 100),
            Commits = read.Boolean("Commits", true),
            MergeRequests = read.Boolean("MergeRequests", true),
            Deployments = read.Boolean("Deployments", true),
            MaxRetries = read.Integer("MaxRetries", 5, 0, 20),
            RequestTimeout = read.Duration("RequestTimeout", TimeSpan.FromSeconds(100)),
            MaxRateLimitWait = read.Duration("MaxRateLimitWait", TimeSpan.FromMinutes(15)),
        };
        return errors.Count == 0 ? parsed : null;
    }
}
