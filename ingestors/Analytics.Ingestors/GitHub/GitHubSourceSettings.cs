using Analytics.Ingestors.GitHub.App;
using Analytics.Ingestors.Runs;
using Analytics.Ingestors.Sources;
using Microsoft.Extensions.Configuration;

namespace Analytics.Ingestors.GitHub;

/// <summary>A GitHub Actions workflow whose runs count as deployments to <see cref="Environment"/>.</summary>
/// <param name="Workflow">The workflow's file name (<c>deploy.yml</c>) or its name as shown on GitHub (<c>Deploy</c>).</param>
/// <param name="Branch">Only runs on this branch count (e.g. <c>main</c>); null = every branch.</param>
public sealed record WorkflowDeployments(string Workflow, string Environment, string? Branch);

/// <summary>Which of GitHub's APIs reads pull requests and deployments (<c>Analytics:Sources:&lt;name&gt;:Api</c>).</summary>
public enum GitHubApiKind
{
    /// <summary>The GraphQL API (<c>graphql</c>): pages of 100 with nested commits, reviews and statuses.</summary>
    GraphQl,

    /// <summary>The REST API (<c>rest</c>): one request per pull request's commits, reviews and per deployment's statuses.</summary>
    Rest,
}

/// <summary>
/// The settings of one <c>github</c> source, read from <c>Analytics:Sources:&lt;name&gt;</c>. The token is held
/// here and handed to Octokit's credential store only: this type has no <c>ToString</c> that shows it, and it is
/// never put in a message.
/// </summary>
public sealed class GitHubSourceSettings
{
    public const string Kind = "github";

    public static readonly SourceKindSettings KindSettings = new(Kind, typeof(GitHubSourceSettings), Validate);

    public static readonly Uri GitHubDotCom = new("https://api.github.com/");

    public required string Name { get; init; }

    /// <summary><c>https://api.github.com/</c> (default) or a GitHub Enterprise Server address such as <c>https://github.acme.test/</c>.</summary>
    public Uri BaseUrl { get; init; } = GitHubDotCom;

    /// <summary>A personal or fine-grained token; empty when the source signs in as a GitHub App (<see cref="App"/>).</summary>
    public string Token { get; init; } = "";

    /// <summary>The App ID of the GitHub App the source signs in as instead of a token (docs/ingestion.md, "GitHub App"); null = the token.</summary>
    public long? AppId { get; init; }

    /// <summary>The installation of that app whose repositories the source reads.</summary>
    public long? InstallationId { get; init; }

    /// <summary>The file the app's private key was read from (PEM, readable by its owner only), if it came from one.</summary>
    public string? AppPrivateKeyFile { get; init; }

    /// <summary>The app's private key (PEM): given in configuration, or read from <see cref="AppPrivateKeyFile"/>. A secret.</summary>
    public string? AppPrivateKey { get; init; }

    /// <summary>The GitHub App the source signs in as, when <see cref="AppId"/> is set; null = the token.</summary>
    public GitHubAppSettings? App => AppId is { } appId && InstallationId is { } installationId && AppPrivateKey is { } pem
        ? new GitHubAppSettings { AppId = appId, InstallationId = installationId, PrivateKeyPem = pem }
        : null;

    /// <summary>
    /// The secret GitHub signs this source's webhook deliveries with (X-Hub-Signature-256); null = no webhooks for
    /// this source. A secret like the token: never logged, never in an error.
    /// </summary>
    public string? WebhookSecret { get; init; }

    /// <summary>Every repository of these organisations is read.</summary>
    public IReadOnlyList<string> Organizations { get; init; } = [];

    /// <summary>Single repositories, <c>owner/name</c>, read as well as the organisations'.</summary>
    public IReadOnlyList<string> Repositories { get; init; } = [];

    /// <summary>Nothing older is read (commits by commit time, the rest by creation or update time); null = all history.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Items per page (GitHub's maximum, 100, by default: fewer pages cost fewer rate-limit points).</summary>
    public int PageSize { get; init; } = 100;

    /// <summary>
    /// How pull requests and deployments are read: <see cref="GitHubApiKind.GraphQl"/> (default), a page of 100 with
    /// their commits, reviews, labels or statuses for a few points, or <see cref="GitHubApiKind.Rest"/>, 1 point per
    /// pull request's commits and reviews and per deployment's statuses. See docs/ingestion.md, "GraphQL backfill".
    /// </summary>
    public GitHubApiKind Api { get; init; } = GitHubApiKind.GraphQl;

    public bool Commits { get; init; } = true;

    /// <summary>
    /// Repositories (<c>owner/name</c>) whose new commits' changed files are read too, for services that own paths of
    /// a shared repository. GitHub lists a commit's files only on the single-commit endpoint: one request per commit,
    /// so this is opt-in per repository.
    /// </summary>
    public IReadOnlyList<string> CommitPaths { get; init; } = [];

    public bool PullRequests { get; init; } = true;

    /// <summary>The GitHub Deployments API (deployments and their statuses).</summary>
    public bool Deployments { get; init; } = true;

    /// <summary>Published releases as successful deployments to <see cref="ReleaseEnvironment"/>.</summary>
    public bool ReleasesAsDeployments { get; init; }

    public string ReleaseEnvironment { get; init; } = "production";

    public bool IncludePrereleases { get; init; }

    public IReadOnlyList<WorkflowDeployments> Workflows { get; init; } = [];

    /// <summary>Issues carrying any of these labels are incidents; none = incidents are not read.</summary>
    public IReadOnlyList<string> IncidentLabels { get; init; } = [];

    /// <summary>The severity of an incident issue without a <c>sev1</c>…<c>sev5</c> label.</summary>
    public string DefaultSeverity { get; init; } = "sev3";

    /// <summary>Retries of one request after a 5xx answer, a timeout or a dropped connection (exponential backoff with jitter).</summary>
    public int MaxRetries { get; init; } = 5;

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>
    /// The longest the run waits for an exhausted rate limit to reset; longer, and the run fails instead. A little
    /// over GitHub's one-hour window, so a limit exhausted just after a reset is still waited for.
    /// </summary>
    public TimeSpan MaxRateLimitWait { get; init; } = DefaultMaxRateLimitWait;

    public static readonly TimeSpan DefaultMaxRateLimitWait = TimeSpan.FromMinutes(65);

    /// <summary>
    /// The REST root for <paramref name="baseUrl"/>: api.github.com as it is; for GitHub Enterprise Server the host
    /// with <c>/api/v3/</c>, as Octokit's <c>GitHubClient</c> does it (its fix-up is private, and the source builds its
    /// connection by hand to put its own handler under it).
    /// </summary>
    public static Uri ApiAddress(Uri baseUrl) =>
        baseUrl.Host is "github.com" or "api.github.com" ? GitHubDotCom
        : baseUrl.AbsolutePath.TrimEnd('/').EndsWith("/api/v3", StringComparison.OrdinalIgnoreCase) ? new Uri(baseUrl.ToString().TrimEnd('/') + "/")
        : new Uri(baseUrl, "api/v3/");

    /// <summary>
    /// The GraphQL endpoint for <paramref name="baseUrl"/>: <c>https://api.github.com/graphql</c>, or on GitHub
    /// Enterprise Server <c>/api/graphql</c> beside the REST root's <c>/api/v3/</c>.
    /// </summary>
    public static Uri GraphQlAddress(Uri baseUrl)
    {
        var rest = ApiAddress(baseUrl);
        return rest == GitHubDotCom ? new Uri(GitHubDotCom, "graphql") : new Uri(rest, "../graphql");
    }

    /// <summary>Every problem with <paramref name="settings"/>, each naming its setting (never showing the token).</summary>
    public static IReadOnlyList<string> Validate(IConfigurationSection settings)
    {
        Read(settings, out var problems);
        return problems;
    }

    /// <exception cref="ArgumentException">A setting is invalid (the message names each).</exception>
    public static GitHubSourceSettings Parse(IConfigurationSection settings)
    {
        var parsed = Read(settings, out var problems);
        return problems.Count == 0 ? parsed! : throw new ArgumentException(string.Join(" ", problems), nameof(settings));
    }

    private static GitHubSourceSettings? Read(IConfigurationSection section, out List<string> problems)
    {
        var read = new SourceSettingsReader(section);
        var errors = read.Problems;
        problems = errors;
        var prefix = section.Path;

        // A GitHub App (AppId, a private key, InstallationId) replaces the token; one of the two is required.
        var app = GitHubAppSettings.Read(read, section);
        var token = app is null && !read.Has("AppId") ? read.Secret("Token", "a GitHub token (or AppId, AppPrivateKeyFile and InstallationId for a GitHub App)") : read.Text("Token") ?? "";
        var webhookSecret = read.Text("WebhookSecret");
        var baseUrl = read.Address("BaseUrl", GitHubDotCom, carried: "token", examples: "https://api.github.com/ or https://github.acme.test/");

        var organizations = read.List("Organizations");
        var repositories = read.List("Repositories");
        foreach (var repository in repositories.Where(r => r.Split('/') is not [{ Length: > 0 }, { Length: > 0 }]))
        {
            errors.Add($"{prefix}:Repositories: '{repository}' is not owner/name.");
        }
        var commitPaths = read.List("CommitPaths");
        foreach (var repository in commitPaths.Where(r => r.Split('/') is not [{ Length: > 0 }, { Length: > 0 }]))
        {
            errors.Add($"{prefix}:CommitPaths: '{repository}' is not owner/name.");
        }
        if (organizations.Count == 0 && repositories.Count == 0)
        {
            errors.Add($"{prefix}:Organizations or {prefix}:Repositories must name what to read.");
        }

        var since = read.Time("Since");
        var api = read.Text("Api")?.ToLowerInvariant() switch
        {
            null or "graphql" => GitHubApiKind.GraphQl,
            "rest" => GitHubApiKind.Rest,
            var other => Invalid(other),
        };
        GitHubApiKind Invalid(string value)
        {
            errors.Add($"{prefix}:Api: '{value}' is neither graphql nor rest.");
            return GitHubApiKind.GraphQl;
        }

        var workflows = new List<WorkflowDeployments>();
        foreach (var workflow in section.GetSection("Workflows").GetChildren())
        {
            var file = workflow["Workflow"];
            var environment = workflow["Environment"];
            if (string.IsNullOrWhiteSpace(file) || string.IsNullOrWhiteSpace(environment))
            {
                errors.Add($"{workflow.Path} needs Workflow (a file name such as deploy.yml, or the workflow's name) and Environment.");
                continue;
            }
            workflows.Add(new WorkflowDeployments(file.Trim(), environment.Trim(), new SourceSettingsReader(workflow).Text("Branch")));
        }

        var defaultSeverity = section["DefaultSeverity"] ?? "sev3";
        if (GitHubRows.SeverityFromLabel(defaultSeverity) != defaultSeverity)
        {
            errors.Add($"{prefix}:DefaultSeverity must be one of sev1, sev2, sev3, sev4, sev5.");
        }

        var parsed = new GitHubSourceSettings
        {
            Name = section.Key,
            BaseUrl = baseUrl,
            Token = token,
            AppId = app?.AppId,
            InstallationId = app?.InstallationId,
            AppPrivateKeyFile = read.Text("AppPrivateKeyFile"),
            AppPrivateKey = app?.PrivateKeyPem,
            WebhookSecret = webhookSecret,
            Organizations = organizations,
            Repositories = repositories,
            Since = since,
            PageSize = read.Integer("PageSize", 100, 1, 100),
            Api = api,
            Commits = read.Boolean("Commits", true),
            CommitPaths = commitPaths,
            PullRequests = read.Boolean("PullRequests", true),
            Deployments = read.Boolean("Deployments", true),
            ReleasesAsDeployments = read.Boolean("ReleasesAsDeployments", false),
            ReleaseEnvironment = read.Text("ReleaseEnvironment") ?? "production",
            IncludePrereleases = read.Boolean("IncludePrereleases", false),
            Workflows = workflows,
            IncidentLabels = read.List("IncidentLabels"),
            DefaultSeverity = defaultSeverity,
            MaxRetries = read.Integer("MaxRetries", 5, 0, 20),
            RequestTimeout = read.Duration("RequestTimeout", TimeSpan.FromSeconds(100)),
            MaxRateLimitWait = read.Duration("MaxRateLimitWait", DefaultMaxRateLimitWait),
        };
        return errors.Count == 0 ? parsed : null;
    }
}
