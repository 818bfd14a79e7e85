using System.Globalization;
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
        var errors = new List<string>();
        problems = errors;
        var prefix = section.Path;

        var token = section["Token"];
        if (string.IsNullOrWhiteSpace(token))
        {
            errors.Add($"{prefix}:Token must hold a Backstage static token: set it with user-secrets or the environment variable {prefix.Replace(":", "__", StringComparison.Ordinal)}__Token (it is never logged).");
        }

        Uri? baseUrl = null;
        var baseUrlText = section["BaseUrl"];
        if (string.IsNullOrWhiteSpace(baseUrlText))
        {
            errors.Add($"{prefix}:BaseUrl must be the Backstage backend's address, e.g. https://backstage.acme.test/.");
        }
        else if (Uri.TryCreate(baseUrlText.EndsWith('/') ? baseUrlText : baseUrlText + "/", UriKind.Absolute, out var parsedUrl)
            && parsedUrl.Scheme is "http" or "https" && string.IsNullOrEmpty(parsedUrl.UserInfo))
        {
            baseUrl = parsedUrl;
            // The token goes with every request; only loopback (a local backend, the tests) may use http.
            if (parsedUrl.Scheme == "http" && !parsedUrl.IsLoopback)
            {
                errors.Add($"{prefix}:BaseUrl must be https (was {parsedUrl.GetLeftPart(UriPartial.Authority)}): the token would travel in clear over http; only loopback addresses may use http.");
            }
        }
        else
        {
            errors.Add($"{prefix}:BaseUrl must be an http(s) address without credentials, e.g. https://backstage.acme.test/.");
        }

        DateTimeOffset? historyStart = null;
        if (section["HistoryStart"] is { Length: > 0 } historyText)
        {
            if (DateTimeOffset.TryParse(historyText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsedStart))
            {
                historyStart = parsedStart;
            }
            else
            {
                errors.Add($"{prefix}:HistoryStart must be a date (2025-01-01) or a time with an offset.");
            }
        }

        var parsed = new BackstageSourceSettings
        {
            Name = section.Key,
            BaseUrl = baseUrl ?? new Uri("http://127.0.0.1/"),
            Token = token ?? "",
            PageSize = SettingValues.Integer(section, "PageSize", 500, 1, 10_000, errors),
            Scaffolder = SettingValues.Boolean(section, "Scaffolder", true, errors),
            HistoryStart = historyStart,
            GoldenPathTag = NonBlank(section["GoldenPathTag"]) ?? "golden-path",
            TemplateVersionAnnotation = NonBlank(section["TemplateVersionAnnotation"]) ?? "backstage.io/template-version",
            MaxRetries = SettingValues.Integer(section, "MaxRetries", 5, 0, 20, errors),
            RequestTimeout = SettingValues.Duration(section, "RequestTimeout", TimeSpan.FromSeconds(100), errors),
            MaxRateLimitWait = SettingValues.Duration(section, "MaxRateLimitWait", TimeSpan.FromMinutes(10), errors),
        };
        return errors.Count == 0 ? parsed : null;
    }

    private static string? NonBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
