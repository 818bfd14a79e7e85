using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Analytics.Ingestors.Sources;

/// <summary>
/// Reads one source's settings section, collecting every problem (each naming its setting's full path) instead of
/// stopping at the first. Shared by the remote sources (GitHub, GitLab, Backstage, PagerDuty, Jira).
/// </summary>
public sealed partial class SourceSettingsReader(IConfigurationSection section)
{
    public List<string> Problems { get; } = [];

    public string Path => section.Path;

    public string Key => section.Key;

    /// <summary>Whether <paramref name="key"/> is set at all (to tell "not configured" from "configured wrongly").</summary>
    public bool Has(string key) => !string.IsNullOrWhiteSpace(section[key]);

    public string? Text(string key) => string.IsNullOrWhiteSpace(section[key]) ? null : section[key]!.Trim();

    /// <summary>A secret (token, password): required, never repeated in a problem.</summary>
    public string Secret(string key, string what)
    {
        var value = section[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            Problems.Add($"{Path}:{key} must hold {what}: set it with user-secrets or the environment variable {Path.Replace(":", "__", StringComparison.Ordinal)}__{key} (it is never logged).");
        }
        return value?.Trim() ?? "";
    }

    /// <summary>
    /// An http(s) address without credentials, ending with '/'. Credentials go with every request, so plain http is
    /// allowed only on loopback (a simulator, a local proxy).
    /// </summary>
    /// <param name="carried">What the problem says would travel in clear over http ("credentials", "token").</param>
    /// <param name="examples">Shown in the problem for a value that is no address, e.g. "https://gitlab.com/ or https://gitlab.acme.test/".</param>
    public Uri Address(string key, Uri fallback, bool required = false, string carried = "credentials", string? examples = null)
    {
        if (section[key] is not { Length: > 0 } text)
        {
            if (required)
            {
                Problems.Add($"{Path}:{key} must be the service's https address.");
            }
            return fallback;
        }
        if (Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && string.IsNullOrEmpty(url.UserInfo))
        {
            if (url.Scheme == "http" && !url.IsLoopback)
            {
                Problems.Add($"{Path}:{key} must be https (was {url.GetLeftPart(UriPartial.Authority)}): the {carried} would travel in clear over http; only loopback addresses may use http.");
            }
            return url;
        }
        Problems.Add($"{Path}:{key} must be an http(s) address without credentials{(examples is null ? "" : $", e.g. {examples}")}.");
        return fallback;
    }

    /// <summary>A list given as children (<c>Projects:0</c>, <c>Projects:1</c>) or as one comma-separated value.</summary>
    public List<string> List(string key)
    {
        var child = section.GetSection(key);
        var values = child.Value is { } single ? single.Split(',') : child.GetChildren().Select(c => c.Value ?? "");
        return values.Select(v => v.Trim()).Where(v => v.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>A map given as children (<c>Services:PIJ90N7 = payments-api</c>); keys compared without case.</summary>
    public Dictionary<string, string> Map(string key, IReadOnlyDictionary<string, string>? fallback = null)
    {
        var children = section.GetSection(key).GetChildren().Where(c => !string.IsNullOrWhiteSpace(c.Value)).ToList();
        if (children.Count == 0)
        {
            return new Dictionary<string, string>(fallback ?? new Dictionary<string, string>(), StringComparer.OrdinalIgnoreCase);
        }
        return children.ToDictionary(c => c.Key.Trim(), c => c.Value!.Trim(), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// A vendor's services (id or name) → catalog service slugs (<c>Services:PIJ90N7 = payments-api</c>), as the
    /// incident sources map them: at least one, each value a slug.
    /// </summary>
    /// <param name="example">One mapping for the problem's example, e.g. "PIJ90N7 = payments-api".</param>
    public Dictionary<string, string> ServiceMap(string key, string vendor, string example)
    {
        var services = Map(key);
        if (services.Count == 0)
        {
            Problems.Add($"{Path}:{key} must map {vendor} services (id or name) to catalog services, e.g. {key}:{example}.");
        }
        foreach (var (service, slug) in services.Where(pair => !SlugPattern().IsMatch(pair.Value)))
        {
            Problems.Add($"{Path}:{key}:{service} must be a catalog service slug (lower case, digits and '-'), was '{slug}'.");
        }
        return services;
    }

    public bool Boolean(string key, bool fallback)
    {
        if (section[key] is not { } text)
        {
            return fallback;
        }
        if (bool.TryParse(text, out var value))
        {
            return value;
        }
        Problems.Add($"{Path}:{key} must be true or false.");
        return fallback;
    }

    public int Integer(string key, int fallback, int min, int max)
    {
        if (section[key] is not { } text)
        {
            return fallback;
        }
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }
        Problems.Add($"{Path}:{key} must be a whole number from {min} to {max}.");
        return fallback;
    }

    public TimeSpan Duration(string key, TimeSpan fallback)
    {
        if (section[key] is not { } text)
        {
            return fallback;
        }
        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) && value > TimeSpan.Zero)
        {
            return value;
        }
        Problems.Add($"{Path}:{key} must be a positive duration such as 00:01:40.");
        return fallback;
    }

    public DateTimeOffset? Time(string key)
    {
        if (section[key] is not { Length: > 0 } text)
        {
            return null;
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            return value;
        }
        Problems.Add($"{Path}:{key} must be a date (2025-01-01) or a time with an offset.");
        return null;
    }

    /// <summary>The value must be one of <paramref name="allowed"/>; says which otherwise.</summary>
    public string Choice(string key, string fallback, IReadOnlyList<string> allowed)
    {
        var value = Text(key) ?? fallback;
        if (!allowed.Contains(value, StringComparer.OrdinalIgnoreCase))
        {
            Problems.Add($"{Path}:{key} must be one of {string.Join(", ", allowed)} (was '{value}').");
            return fallback;
        }
        return value.ToLowerInvariant();
    }

    /// <summary>Adds a problem when a map's value is not one of <paramref name="allowed"/>.</summary>
    public void CheckValues(string key, IReadOnlyDictionary<string, string> map, IReadOnlyList<string> allowed)
    {
        foreach (var (name, value) in map.Where(pair => !allowed.Contains(pair.Value, StringComparer.Ordinal)))
        {
            Problems.Add($"{Path}:{key}:{name} must be one of {string.Join(", ", allowed)} (was '{value}').");
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex SlugPattern();
}
