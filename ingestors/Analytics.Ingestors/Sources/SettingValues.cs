using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Analytics.Ingestors.Sources;

/// <summary>Typed values of a source's settings; a bad value adds a problem naming the setting's full path and reads as the fallback.</summary>
public static class SettingValues
{
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
}
