using System.Text.RegularExpressions;
using Analytics.Ingestors.Csv;
using Analytics.Ingestors.Runs;
using Analytics.Ingestors.Sources;
using Microsoft.Extensions.Configuration;

namespace Analytics.Ingestors.Jira;

/// <summary>
/// The settings of one <c>jira</c> source (Jira Cloud or Data Center, incidents and Jira Service Management requests),
/// read from <c>Analytics:Sources:&lt;name&gt;</c>. The token is put on the HTTP client only, never in a message.
/// </summary>
public sealed partial class JiraSourceSettings
{
    public const string Kind = "jira";

    public const string Cloud = "cloud";

    public const string DataCenter = "datacenter";

    public static readonly SourceKindSettings KindSettings = new(Kind, typeof(JiraSourceSettings), Validate);

    public required string Name { get; init; }

    /// <summary>The site: <c>https://acme.atlassian.net/</c> (Cloud) or the Data Center address (with its context path).</summary>
    public required Uri BaseUrl { get; init; }

    /// <summary><c>cloud</c> (basic auth with <see cref="Email"/> and an API token, <c>/rest/api/3/search/jql</c>) or <c>datacenter</c> (a personal access token as bearer, <c>/rest/api/2/search</c>).</summary>
    public string Flavour { get; init; } = Cloud;

    /// <summary>Cloud: the Atlassian account's email the API token belongs to.</summary>
    public string? Email { get; init; }

    public required string Token { get; init; }

    /// <summary>Issues updated before are not read; null = the 90 days before the first run.</summary>
    public DateTimeOffset? Since { get; init; }

    public int PageSize { get; init; } = 100;

    /// <summary>Incidents: issues of these projects (keys)…</summary>
    public IReadOnlyList<string> IncidentProjects { get; init; } = [];

    /// <summary>…of these issue types…</summary>
    public IReadOnlyList<string> IncidentIssueTypes { get; init; } = [];

    /// <summary>…carrying one of these labels (each filter only when given; at least one, or no incidents are read).</summary>
    public IReadOnlyList<string> IncidentLabels { get; init; } = [];

    /// <summary>An incident's component, label or project key → catalog service (the first that maps, in that order).</summary>
    public IReadOnlyDictionary<string, string> Services { get; init; } = new Dictionary<string, string>();

    /// <summary>Priority name (<c>Highest</c>) → severity.</summary>
    public IReadOnlyDictionary<string, string> SeverityByPriority { get; init; } = new Dictionary<string, string>();

    public string DefaultSeverity { get; init; } = "sev3";

    /// <summary>
    /// When set, an incident is resolved when it last moved into this status (from its changelog), instead of at its
    /// <c>resolutiondate</c>; an incident not in this status now is open.
    /// </summary>
    public string? ResolvedStatus { get; init; }

    /// <summary>Jira Service Management projects (keys) whose requests are the ticket side of self-service vs ticket.</summary>
    public IReadOnlyList<string> RequestProjects { get; init; } = [];

    /// <summary>A request project's key → the team whose request it is.</summary>
    public IReadOnlyDictionary<string, string> RequestTeams { get; init; } = new Dictionary<string, string>();

    /// <summary>A request type's name → kind (as in service-requests.csv); an unmapped one → its name as a slug.</summary>
    public IReadOnlyDictionary<string, string> RequestKinds { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Resolutions (names) that mean a request was not fulfilled: such a request is stored failed, closed at its
    /// <c>resolutiondate</c>, and never counts as fulfilled. Any other resolution is a fulfilment.
    /// </summary>
    public IReadOnlyList<string> RequestFailedResolutions { get; init; } = DefaultFailedResolutions;

    /// <summary>Jira Service Management's own resolutions for a request turned down.</summary>
    public static readonly IReadOnlyList<string> DefaultFailedResolutions = ["Won't Do", "Declined"];

    /// <summary>The custom field holding a request's type (JSM's "Customer Request Type"; its id differs per site).</summary>
    public string RequestTypeField { get; init; } = "customfield_10010";

    public int MaxRetries { get; init; } = 5;

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(100);

    public TimeSpan MaxRateLimitWait { get; init; } = TimeSpan.FromMinutes(10);

    public bool ReadsIncidents => IncidentProjects.Count + IncidentIssueTypes.Count + IncidentLabels.Count > 0;

    public static IReadOnlyList<string> Validate(IConfigurationSection settings)
    {
        Read(settings, out var problems);
        return problems;
    }

    /// <exception cref="ArgumentException">A setting is invalid (the message names each).</exception>
    public static JiraSourceSettings Parse(IConfigurationSection settings)
    {
        var parsed = Read(settings, out var problems);
        return problems.Count == 0 ? parsed : throw new ArgumentException(string.Join(" ", problems), nameof(settings));
    }

    private static JiraSourceSettings Read(IConfigurationSection section, out List<string> problems)
    {
        var reader = new SourceSettingsReader(section);
        problems = reader.Problems;
        var flavour = reader.Choice("Flavour", Cloud, [Cloud, DataCenter]);
        var email = reader.Text("Email");
        if (flavour == Cloud && email is null)
        {
            problems.Add($"{reader.Path}:Email must be the Atlassian account's email for Jira Cloud (basic auth with an API token).");
        }
        var services = reader.Map("Services");
        var teams = reader.Map("RequestTeams");
        var kinds = reader.Map("RequestKinds");
        foreach (var (key, value) in services.Select(p => ("Services", p)).Concat(teams.Select(p => ("RequestTeams", p))).Concat(kinds.Select(p => ("RequestKinds", p)))
                     .Where(p => !SlugPattern().IsMatch(p.p.Value)).Select(p => ($"{p.Item1}:{p.p.Key}", p.p.Value)))
        {
            problems.Add($"{reader.Path}:{key} must be a slug (lower case, digits and '-'), was '{value}'.");
        }
        var severities = reader.Map("SeverityByPriority");
        reader.CheckValues("SeverityByPriority", severities, IncidentEvent.Severities);
        var settings = new JiraSourceSettings
        {
            Name = section.Key,
            BaseUrl = reader.Address("BaseUrl", new Uri("https://invalid.example/"), required: true),
            Flavour = flavour,
            Email = email,
            Token = reader.Secret("Token", flavour == Cloud ? "a Jira Cloud API token" : "a Jira Data Center personal access token"),
            Since = reader.Time("Since"),
            PageSize = reader.Integer("PageSize", 100, 1, 100),
            IncidentProjects = reader.List("IncidentProjects"),
            IncidentIssueTypes = reader.List("IncidentIssueTypes"),
            IncidentLabels = reader.List("IncidentLabels"),
            Services = services,
            SeverityByPriority = severities,
            DefaultSeverity = reader.Choice("DefaultSeverity", "sev3", IncidentEvent.Severities),
            ResolvedStatus = reader.Text("ResolvedStatus"),
            RequestProjects = reader.List("RequestProjects"),
            RequestTeams = teams,
            RequestKinds = kinds,
            RequestTypeField = reader.Text("RequestTypeField") ?? "customfield_10010",
            RequestFailedResolutions = reader.List("RequestFailedResolutions") is { Count: > 0 } failed ? failed : DefaultFailedResolutions,
            MaxRetries = reader.Integer("MaxRetries", 5, 0, 20),
            RequestTimeout = reader.Duration("RequestTimeout", TimeSpan.FromSeconds(100)),
            MaxRateLimitWait = reader.Duration("MaxRateLimitWait", TimeSpan.FromMinutes(10)),
        };
        if (!settings.ReadsIncidents && settings.RequestProjects.Count == 0)
        {
            problems.Add($"{reader.Path}: set IncidentProjects, IncidentIssueTypes or IncidentLabels (incidents), or RequestProjects (service requests), or both.");
        }
        if (settings.ReadsIncidents && services.Count == 0)
        {
            problems.Add($"{reader.Path}:Services must map components, labels or project keys to catalog services, e.g. Services:payments = payments-api.");
        }
        foreach (var project in settings.RequestProjects.Where(p => !teams.ContainsKey(p)))
        {
            problems.Add($"{reader.Path}:RequestTeams:{project} must name the team whose requests project {project} holds.");
        }
        return settings;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex SlugPattern();
}
