namespace Analytics.Web.Utils;

/// <summary>Incident severities as the API (?severity=) and the CLI (--severity) take them.</summary>
public static class Severities
{
    /// <summary>Given repeated or comma-separated, each once (ignoring case); none = every severity.</summary>
    public static IReadOnlyList<string> Parse(IEnumerable<string>? written) =>
        (written ?? []).SelectMany(value => value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
}
