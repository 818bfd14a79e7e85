using System.Text.RegularExpressions;

namespace Analytics.Storage.Catalog;

/// <summary>Checks an environment rule's pattern before it is saved: ClickHouse (RE2) would fail every metric query on a bad one.</summary>
public static class EnvironmentPattern
{
    /// <summary>Why <paramref name="pattern"/> cannot be a rule, or null when it can.</summary>
    public static string? Problem(string pattern)
    {
        // RE2 has no look-around or back-references; .NET would accept them and the metric SQL would then fail.
        if (Regex.IsMatch(pattern, @"\(\?<?[=!]|\\[1-9]"))
        {
            return "look-around and back-references are not supported; write an exception as a \"not production\" rule instead.";
        }
        try
        {
            _ = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            return null;
        }
        catch (ArgumentException error)
        {
            return error.Message;
        }
    }
}
