namespace Analytics.Web.Utils;

/// <summary>Service request kinds as a reader writes them: repeated (kinds=a&amp;kinds=b, --kinds a b) or comma-separated (kinds=environment,database).</summary>
public static class RequestKinds
{
    public static IReadOnlyList<string>? Parse(string[]? kinds) =>
        kinds?.SelectMany(k => k.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct(StringComparer.Ordinal).ToList();
}
