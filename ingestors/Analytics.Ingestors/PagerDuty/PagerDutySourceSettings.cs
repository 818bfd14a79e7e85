using Analytics.Ingestors.Csv;
using Analytics.Ingestors.Runs;
using Analytics.Ingestors.Sources;
using Microsoft.Extensions.Configuration;

namespace Analytics.Ingestors.PagerDuty;

/// <summary>
/// The settings of one <c>pagerduty</c> source, read from <c>Analytics:Sources:&lt;name&gt;</c>. The token is held here
/// and put on the HTTP client only; it is never put in a message.
/// </summary>
public sealed class PagerDutySourceSettings
{
    public const string Kind = "pagerduty";

    public static readonly SourceKindSettings KindSettings = new(Kind, typeof(PagerDutySourceSettings), Validate);

    public static readonly Uri PagerDutyApi = new("https://api.pagerduty.com/");

    /// <summary>PagerDuty's urgencies as severities when <see cref="SeverityByUrgency"/> is not set.</summary>
    public static readonly IReadOnlyDictionary<string, string> DefaultUrgencies = new Dictionary<string, string> { ["high"] = "sev2", ["low"] = "sev4" };

    public required string Name { get; init; }

    /// <summary>The REST API root: <c>https://api.pagerduty.com/</c> (default; the EU service region uses the same API address).</summary>
    public Uri BaseUrl { get; init; } = PagerDutyApi;

    /// <summary>A REST API key (account or user, read-only is enough), sent as <c>Authorization: Token token=…</c>.</summary>
    public required string Token { get; init; }

    /// <summary>PagerDuty service id (<c>PIJ90N7</c>) or name → catalog service slug. Incidents of other services are not stored.</summary>
    public IReadOnlyDictionary<string, string> Services { get; init; } = new Dictionary<string, string>();

    /// <summary>Ask PagerDuty for the incidents of these service ids only (<c>service_ids[]</c>); none = every service.</summary>
    public IReadOnlyList<string> ServiceIds { get; init; } = [];

    /// <summary>Priority name (<c>P1</c>) → severity; it wins over the urgency when the incident has a mapped priority.</summary>
    public IReadOnlyDictionary<string, string> SeverityByPriority { get; init; } = new Dictionary<string, string>();

    /// <summary>Urgency (<c>high</c>, <c>low</c>) → severity.</summary>
    public IReadOnlyDictionary<string, string> SeverityByUrgency { get; init; } = DefaultUrgencies;

    /// <summary>The severity of an incident whose priority and urgency map to none.</summary>
    public string DefaultSeverity { get; init; } = "sev3";

    /// <summary>Read each new incident's related change events (one request per incident) for the deployment that caused it.</summary>
    public bool ChangeEvents { get; init; } = true;

    /// <summary>Incidents created before are not read; null = the 90 days before the first run.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Incidents per page (PagerDuty's maximum, 100, by default).</summary>
    public int PageSize { get; init; } = 100;

    public int MaxRetries { get; init; } = 5;

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>The longest wait for a rate limit to reset; PagerDuty's window is a minute.</summary>
    public TimeSpan MaxRateLimitWait { get; init; } = TimeSpan.FromMinutes(5);

    public static IReadOnlyList<string> Validate(IConfigurationSection settings)
    {
        Read(settings, out var problems);
        return problems;
    }

    /// <exception cref="ArgumentException">A setting is invalid (the message names each).</exception>
    public static PagerDutySourceSettings Parse(IConfigurationSection settings)
    {
        var parsed = Read(settings, out var problems);
        return problems.Count == 0 ? parsed : throw new ArgumentException(string.Join(" ", problems), nameof(settings));
    }

    private static PagerDutySourceSettings Read(IConfigurationSection section, out List<string> problems)
    {
        var reader = new SourceSettingsReader(section);
        problems = reader.Problems;
        var services = reader.ServiceMap("Services", "PagerDuty", "PIJ90N7 = payments-api");
        var byPriority = reader.Map("SeverityByPriority");
        var byUrgency = reader.Map("SeverityByUrgency", DefaultUrgencies);
        reader.CheckValues("SeverityByPriority", byPriority, IncidentEvent.Severities);
        reader.CheckValues("SeverityByUrgency", byUrgency, IncidentEvent.Severities);
        return new PagerDutySourceSettings
        {
            Name = section.Key,
            BaseUrl = reader.Address("BaseUrl", PagerDutyApi),
            Token = reader.Secret("Token", "a PagerDuty REST API key"),
            Services = services,
            ServiceIds = reader.List("ServiceIds"),
            SeverityByPriority = byPriority,
            SeverityByUrgency = byUrgency,
            DefaultSeverity = reader.Choice("DefaultSeverity", "sev3", IncidentEvent.Severities),
            ChangeEvents = reader.Boolean("ChangeEvents", true),
            Since = reader.Time("Since"),
            PageSize = reader.Integer("PageSize", 100, 1, 100),
            MaxRetries = reader.Integer("MaxRetries", 5, 0, 20),
            RequestTimeout = reader.Duration("RequestTimeout", TimeSpan.FromSeconds(100)),
            MaxRateLimitWait = reader.Duration("MaxRateLimitWait", TimeSpan.FromMinutes(5)),
        };
    }
}
