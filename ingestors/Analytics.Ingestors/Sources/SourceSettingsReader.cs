using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Analytics.Ingestors.Sources;

/// <summary>
/// How a remote source's settings are read from its <c>Analytics:Sources:&lt;name&gt;</c> section: each reader
/// returns the fallback and adds a problem naming the setting's full path when the value is invalid, so a
/// source's <c>Validate</c> lists every problem at once.
/// </summary>
internal static class SourceSettingsReader
{
    /// <summary>A list given as children (<c>Groups:0</c>, <c>Groups:1</c>) or as one comma-separated value.</summary>
    public static List<string> List(IConfigurationSection section, string key)
    {
        var child = section.GetSection(key);
        var values = child.Value is { } single ? single.Split(',') : child.GetChildren().Select(c => c.Value ?? "");
        return values.Select(v => v.Trim()).Where(v => v.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    public static bool Boolean(IConfigurationSection section, string key, bool fallback, List<string> errors)
    {
        if (section[key] is not { } text)
        {
            return fallback;
        }
        if (bool.TryParse(text, out var value))
        {
            return value;
        }
        errors.Add($"{section.Path}:{key} must be true or false.");
        return fallback;
    }

    public static int Integer(IConfigurationSection section, string key, int fallback, int min, int max, List<string> errors)
    {
        if (section[key] is not { } text)
        {
            return fallback;
        }
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }
        errors.Add($"{section.Path}:{key} must be a whole number from {min} to {max}.");
        return fallback;
    }

    public static TimeSpan Duration(IConfigurationSection section, string key, TimeSpan fallback, List<string> errors)
    {
        if (section[key] is not { } text)
        {
            return fallback;
        }
        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) && value > TimeSpan.Zero)
        {
            return value;
        }
        errors.Add($"{section.Path}:{key} must be a positive duration such as 00:01:40.");
        return fallback;
    }

    /// <summary>The <c>Since</c> history bound: a date or a time with an offset (UTC when none is given); null when unset.</summary>
    public static DateTimeOffset? Since(IConfigurationSection section, List<string> errors)
    {
        if (section["Since"] is not { Length: > 0 } text)
        {
            return null;
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var since))
        {
            return since;
        }
        errors.Add($"{section.Path}:Since must be a date (2025-01-01) or a time with an offset.");
        return null;
    }

    /// <summary>The <c>Token</c> secret; a problem saying how to set it when it is missing (the value is never shown).</summary>
    public static string Token(IConfigurationSection section, string vendor, List<string> errors)
    {
        var token = section["Token"];
        if (string.IsNullOrWhiteSpace(token))
        {
            var prefix = section.Path;
            errors.Add($"{prefix}:Token must hold a {vendor} token: set it with user-secrets or the environment variable {prefix.Replace(":", "__", StringComparison.Ordinal)}__Token (it is never logged).");
        }
        return token ?? "";
    }

    /// <summary>
    /// The <c>BaseUrl</c>: an http(s) address without credentials, ending in '/'. The token goes with every request,
    /// so plain http is refused except for loopback (the simulators of the tests and benchmarks, a local proxy).
    /// </summary>
    /// <param name="examples">Shown in the problem, e.g. "https://gitlab.com/ or https://gitlab.acme.test/".</param>
    public static Uri BaseUrl(IConfigurationSection section, Uri fallback, string examples, List<string> errors)
    {
        if (section["BaseUrl"] is not { Length: > 0 } text)
        {
            return fallback;
        }
        var prefix = section.Path;
        if (Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var parsed)
            && parsed.Scheme is "http" or "https" && string.IsNullOrEmpty(parsed.UserInfo))
        {
            if (parsed.Scheme == "http" && !parsed.IsLoopback)
            {
                errors.Add($"{prefix}:BaseUrl must be https (was {parsed.GetLeftPart(UriPartial.Authority)}): the token would travel in clear over http; only loopback addresses may use http.");
            }
            return parsed;
        }
        errors.Add($"{prefix}:BaseUrl must be an http(s) address without credentials, e.g. {examples}.");
        return fallback;
    }

    public static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
