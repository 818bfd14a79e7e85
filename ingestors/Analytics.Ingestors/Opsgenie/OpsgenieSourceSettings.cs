using Analytics.Ingestors.Csv;
using Analytics.Ingestors.Runs;
using Analytics.Ingestors.Sources;
using Microsoft.Extensions.Configuration;

namespace Analytics.Ingestors.Opsgenie;

/// <summary>
/// The settings of one <c>opsgenie</c> source, read from <c>Analytics:Sources:&lt;name&gt;</c>. The API key is held here
/// and put on the HTTP client only; it is never put in a message.
/// </summary>
public sealed class OpsgenieSourceSettings
{
    public const string Kind = "opsgenie";

    public static readonly SourceKindSettings KindSettings = new(Kind, typeof(OpsgenieSourceSettings), Validate);

    /// <summary>Opsgenie's API roots per region (its API docs: the EU instance must use api.eu.opsgenie.com).</summary>
    public static readonly IReadOnlyDictionary<string, Uri> Regions = new Dictionary<string, Uri>
    {
        ["us"] = new("https://api.opsgenie.com/"),
        ["eu"] = new("https://api.eu.opsgenie.com/"),
    };

    /// <summary>Opsgenie's priorities as severities when <see cref="SeverityByPriority"/> is not set: P1 → sev1 … P5 → sev5.</summary>
    public static readonly IReadOnlyDictionary<string, string> DefaultPriorities = Enumerable.Range(1, 5).ToDictionary(i => $"P{i}", i => $"sev{i}");

    public required string Name { get; init; }

    /// <summary><c>us</c> (default) or <c>eu</c>: which of Opsgenie's API roots <see cref="BaseUrl"/> defaults to.</summary>
    public string Region { get; init; } = "us";

    /// <summary>The API root; the region's by default (a proxy or the simulator otherwise).</summary>
    public Uri BaseUrl { get; init; } = Regions["us"];

    /// <summary>An API key of an API integration (read access is enough), sent as <c>Authorization: GenieKey …</c>.</summary>
    public required string ApiKey { get; init; }

    /// <summary>Opsgenie service id or name → catalog service slug. Incidents impacting none of them are not stored.</summary>
    public IReadOnlyDictionary<string, string> Services { get; init; } = new Dictionary<string, string>();

    /// <summary>Priority (<c>P1</c>…<c>P5</c>) → severity.</summary>
    public IReadOnlyDictionary<string, string> SeverityByPriority { get; init; } = DefaultPriorities;

    /// <summary>The severity of an incident whose priority maps to none.</summary>
    public string DefaultSeverity { get; init; } = "sev3";

    /// <summary>Incidents created before are not read; null = the 90 days before the first run.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Incidents per page (Opsgenie's maximum, 100, by default).</summary>
    public int PageSize { get; init; } = 100;

    public int MaxRetries { get; init; } = 5;

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>The longest wait for a rate limit to reset; Opsgenie's longest window is a minute.</summary>
    public TimeSpan MaxRateLimitWait { get; init; } = TimeSpan.FromMinutes(5);

    public static IReadOnlyList<string> Validate(IConfigurationSection settings)
    {
        Read(settings, out var problems);
        return problems;
    }

    /// <exception cref="ArgumentException">A setting is invalid (the message names each).</exception>
    public static OpsgenieSourceSettings Parse(IConfigurationSection settings)
    {
        var parsed = Read(settings, out var problems);
        return problems.Count == 0 ? parsed : throw new ArgumentException(string.Join(" ", problems), nameof(settings));
    }

    private static OpsgenieSourceSettings Read(IConfigurationSection section, out List<string> problems)
    {
        var reader = new SourceSettingsReader(section);
        problems = reader.Problems;
        var services = reader.ServiceMap("Services", "Opsgenie", "Payments = payments-api");
        var byPriority = reader.Map("SeverityByPriority", DefaultPriorities);
        reader.CheckValues("SeverityByPriority", byPriority, IncidentEvent.Severities);
        var region = reader.Choice("Region", "us", [.. Regions.Keys]);
        return new OpsgenieSourceSettings
        {
            Name = section.Key,
            Region = region,
            BaseUrl = reader.Address("BaseUrl", Regions[region], carried: "API key", examples: "https://api.opsgenie.com/ or https://api.eu.opsgenie.com/"),
            ApiKey = reader.Secret("ApiKey", "an Opsgenie API key (an API integration's)"),
            Services = services,
            SeverityByPriority = byPriority,
            DefaultSeverity = reader.Choice("DefaultSeverity", "sev3", IncidentEvent.Severities),
            Since = reader.Time("Since"),
            PageSize = reader.Integer("PageSize", 100, 1, 100),
            MaxRetries = reader.Integer("MaxRetries", 5, 0, 20),
            RequestTimeout = reader.Duration("RequestTimeout", TimeSpan.FromSeconds(100)),
            MaxRateLimitWait = reader.Duration("MaxRateLimitWait", TimeSpan.FromMinutes(5)),
        };
    }
}
