using Analytics.Ingestors.Runs;
using Analytics.Ingestors.Sources;
using Microsoft.Extensions.Configuration;

namespace Analytics.Ingestors.Backstage;

/// <summary>
/// The settings of one <c>backstage</c> source, read from <c>Analytics:Sources:&lt;name&gt;</c>. The token is sent as
/// a bearer token only; this type has no <c>ToString</c> that shows it, and it is never put in a message.
/// </summary>
public sealed class BackstageSourceSettings
{
    public const string Kind = "backstage";

    public static readonly SourceKindSettings KindSettings = new(Kind, typeof(BackstageSourceSettings), Validate);

    public required string Name { get; init; }

    /// <summary>The backend's address, e.g. <c>https://backstage.acme.test/</c>; the APIs are under <c>api/catalog/</c> and <c>api/scaffolder/</c>.</summary>
    public required Uri BaseUrl { get; init; }

    /// <summary>A static token of the backend's <c>backend.auth.externalAccess</c> (read access to the catalog and the scaffolder's tasks).</summary>
    public required string Token { get; init; }

    /// <summary>Entities per page of the catalog's by-query list.</summary>
    public int PageSize { get; init; } = 500;

    /// <summary>Read the scaffolder's task list as self-service requests.</summary>
    public bool Scaffolder { get; init; } = true;

    /// <summary>
    /// Where the ranges (ownership, membership, template use) a sync sees for the first time start; null = at the
    /// sync's time. Changes seen later always start at the time of the sync that saw them.
    /// </summary>
    public DateTimeOffset? HistoryStart { get; init; }

    /// <summary>A Template entity carrying this tag is a golden path.</summary>
    public string GoldenPathTag { get; init; } = "golden-path";

    /// <summary>The Template annotation that holds its version; Backstage has no version field of its own.</summary>
    public string TemplateVersionAnnotation { get; init; } = "backstage.io/template-version";

    public int MaxRetries { get; init; } = 5;

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>A 429 asking for a longer wait fails the run instead.</summary>
    public TimeSpan MaxRateLimitWait { get; init; } = TimeSpan.FromMinutes(10);

    public static IReadOnlyList<string> Validate(IConfigurationSection settings)
    {
        Read(settings, out var problems);
        return problems;
    }

    /// <exception cref="ArgumentException">A setting is invalid (the message names each).</exception>
    public static BackstageSourceSettings Parse(IConfigurationSection settings)
    {
        var parsed = Read(settings, out var problems);
        return problems.Count == 0 ? parsed! : throw new ArgumentException(string.Join(" ", problems), nameof(settings));
    }

    private static BackstageSourceSettings? Read(IConfigurationSection section, out List<string> problems)
    {
        var read = new SourceSettingsReader(section);
        var errors = read.Problems;
        problems = errors;
        var prefix = section.Path;

        var token = read.Secret("Token", "a Backstage static token");

        // Backstage has no default address: a missing one says what is wanted.
        var baseUrl = new Uri("http://127.0.0.1/");
        if (read.Text("BaseUrl") is null)
        {
            errors.Add($"{prefix}:BaseUrl must be the Backstage backend's address, e.g. https://backstage.acme.test/.");
        }
        else
        {
            baseUrl = read.Address("BaseUrl", baseUrl, carried: "token", examples: "https://backstage.acme.test/");
        }

        var parsed = new BackstageSourceSettings
        {
            Name = section.Key,
            BaseUrl = baseUrl,
            Token = token,
            PageSize = read.Integer("PageSize", 500, 1, 10_000),
            Scaffolder = read.Boolean("Scaffolder", true),
            HistoryStart = read.Time("HistoryStart"),
            GoldenPathTag = read.Text("GoldenPathTag") ?? "golden-path",
            TemplateVersionAnnotation = read.Text("TemplateVersionAnnotation") ?? "backstage.io/template-version",
            MaxRetries = read.Integer("MaxRetries", 5, 0, 20),
            RequestTimeout = read.Duration("RequestTimeout", TimeSpan.FromSeconds(100)),
            MaxRateLimitWait = read.Duration("MaxRateLimitWait", TimeSpan.FromMinutes(10)),
        };
        return errors.Count == 0 ? parsed : null;
    }
}
