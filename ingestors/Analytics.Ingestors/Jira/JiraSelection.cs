using System.Text.Json;
using Analytics.Ingestors.Csv;
using Analytics.Ingestors.Sources;

namespace Analytics.Ingestors.Jira;

/// <summary>
/// Which issues one Jira resource reads: <c>field in (…)</c> clauses (project, issuetype, labels), all of them required.
/// The same clauses give the JQL sent and the test of a returned issue, so a search for two resources at once
/// (<c>(A) OR (B)</c>) can tell each issue's resource(s) as the two searches would have.
/// </summary>
internal sealed class JiraSelection(IReadOnlyList<(string Field, IReadOnlyList<string> Values)> clauses)
{
    public string Jql => string.Join(" AND ", clauses.Select(c => $"{c.Field} in ({string.Join(", ", c.Values.Select(Quoted))})"));

    /// <summary>
    /// Whether the JQL selects <paramref name="issue"/>: a project by key, name or id, an issue type by name or id, a
    /// label by name, each case-insensitively as Jira compares them (the fields come with every search, <see cref="JiraRows.Fields"/>).
    /// </summary>
    public bool Selects(JsonElement issue)
    {
        var fields = PulledRecords.Object(issue, "fields");
        return clauses.All(clause => (clause.Field switch
        {
            "project" => Names(PulledRecords.Object(fields, "project"), "key", "name", "id"),
            "issuetype" => Names(PulledRecords.Object(fields, "issuetype"), "name", "id"),
            _ => PulledRecords.Items(fields, "labels").Where(l => l.ValueKind == JsonValueKind.String).Select(l => l.GetString()),
        }).Any(name => name is not null && clause.Values.Contains(name, StringComparer.OrdinalIgnoreCase)));
    }

    private static IEnumerable<string?> Names(JsonElement value, params string[] properties) => properties.Select(p => PulledRecords.Text(value, p));

    private static string Quoted(string value) => $"\"{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";
}

/// <summary>One resource of a Jira source (cursor <see cref="Name"/>): which issues, what to ask for, where they go.</summary>
internal sealed record JiraResource(
    string Name, JiraSelection Selection, IReadOnlyList<string> Fields, bool Changelog, RowTable Table, Func<JsonElement, DateTimeOffset, JiraRow> Map);
