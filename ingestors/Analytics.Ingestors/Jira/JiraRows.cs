using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Analytics.Ingestors.Csv;
using Analytics.Ingestors.Sources;

namespace Analytics.Ingestors.Jira;

/// <summary>What one Jira issue gives: a row, a refusal naming the issue and field, or no mapping (<see cref="Unmapped"/> names what was looked up).</summary>
internal sealed record JiraRow(object?[]? Row, string? Problem = null, string? Unmapped = null);

/// <summary>Jira issues (search results) as incidents or service requests, checked by the CSV formats' rules. Pure functions.</summary>
public static partial class JiraRows
{
    private static readonly Dictionary<string, string> IncidentOrigins = new()
    {
        ["service"] = "components/labels/project", ["severity"] = "priority", ["title"] = "summary", ["started_at"] = "created",
        ["resolved_at"] = "resolutiondate or the status changelog",
    };

    private static readonly Dictionary<string, string> RequestOrigins = new()
    {
        ["team"] = "project", ["kind"] = "request type", ["requested_at"] = "created", ["fulfilled_at"] = "resolutiondate",
        ["status"] = "resolution", ["closed_at"] = "resolutiondate",
    };

    /// <summary>The issue fields a search asks for (plus the request type field for requests).</summary>
    public static readonly string[] Fields = ["summary", "created", "updated", "resolutiondate", "resolution", "priority", "status", "issuetype", "project", "labels", "components"];

    public static string IssueId(string key) => $"jira-{key}";

    /// <summary>A Jira time (<c>2026-04-14T10:02:00.000+0000</c>) as the CSV format reads it (<c>…+00:00</c>); anything else as it is, to be refused by name.</summary>
    public static string? Time(string? text) => text is null ? null : OffsetWithoutColon().Replace(text, "$1:$2");

    public static DateTimeOffset? Instant(string? text) =>
        DateTimeOffset.TryParse(Time(text), CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) ? at.ToUniversalTime() : null;

    /// <summary>The catalog service of an incident: its components, then its labels, then its project key, the first in <c>Services</c>.</summary>
    public static string? ServiceOf(JiraSourceSettings settings, JsonElement fields)
    {
        var candidates = PulledRecords.Items(fields, "components").Select(c => PulledRecords.Text(c, "name"))
            .Concat(PulledRecords.Items(fields, "labels").Select(l => l.ValueKind == JsonValueKind.String ? l.GetString() : null))
            .Append(PulledRecords.Text(PulledRecords.Object(fields, "project"), "key"));
        return candidates.Where(c => c is not null).Select(c => settings.Services.TryGetValue(c!, out var slug) ? slug : null).FirstOrDefault(s => s is not null);
    }

    /// <summary>
    /// When the incident was resolved: its <c>resolutiondate</c>; or, with <c>ResolvedStatus</c>, when its changelog
    /// last shows it moving into that status, provided it is in that status now (else it was reopened: open).
    /// </summary>
    public static string? ResolvedAt(JiraSourceSettings settings, JsonElement issue)
    {
        var fields = PulledRecords.Object(issue, "fields");
        if (settings.ResolvedStatus is not { } status)
        {
            return PulledRecords.Text(fields, "resolutiondate");
        }
        if (!string.Equals(PulledRecords.Text(PulledRecords.Object(fields, "status"), "name"), status, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        return PulledRecords.Items(PulledRecords.Object(issue, "changelog"), "histories")
            .Where(h => PulledRecords.Items(h, "items").Any(i =>
                PulledRecords.Text(i, "field") == "status" && string.Equals(PulledRecords.Text(i, "toString"), status, StringComparison.OrdinalIgnoreCase)))
            .Select(h => PulledRecords.Text(h, "created"))
            .MaxBy(Instant);
    }

    internal static JiraRow Incident(JiraSourceSettings settings, JsonElement issue, string source, DateTimeOffset now)
    {
        var key = PulledRecords.Text(issue, "key") ?? "";
        var fields = PulledRecords.Object(issue, "fields");
        if (ServiceOf(settings, fields) is not { } service)
        {
            return new JiraRow(null, Unmapped: $"project {PulledRecords.Text(PulledRecords.Object(fields, "project"), "key") ?? "?"}");
        }
        var priority = PulledRecords.Text(PulledRecords.Object(fields, "priority"), "name");
        var values = new Dictionary<string, string?>
        {
            ["incident_id"] = key.Length == 0 ? null : IssueId(key),
            ["service"] = service,
            ["severity"] = priority is not null && settings.SeverityByPriority.TryGetValue(priority, out var severity) ? severity : settings.DefaultSeverity,
            ["title"] = PulledRecords.Text(fields, "summary"),
            ["started_at"] = Time(PulledRecords.Text(fields, "created")),
            ["resolved_at"] = Time(ResolvedAt(settings, issue)),
            ["url"] = key.Length == 0 ? null : new Uri(settings.BaseUrl, $"browse/{key}").ToString(),
        };
        var (record, problem) = PulledRecords.Check($"Jira issue {Name(key)}", values, IncidentEvent.Parse, now, IncidentOrigins);
        return new JiraRow(record?.ToRow(source), problem);
    }

    internal static JiraRow Request(JiraSourceSettings settings, JsonElement issue, string source, DateTimeOffset now)
    {
        var key = PulledRecords.Text(issue, "key") ?? "";
        var fields = PulledRecords.Object(issue, "fields");
        var project = PulledRecords.Text(PulledRecords.Object(fields, "project"), "key");
        if (project is null || !settings.RequestTeams.TryGetValue(project, out var team))
        {
            return new JiraRow(null, Unmapped: $"project {project ?? "?"}");
        }
        var type = PulledRecords.Text(PulledRecords.Object(PulledRecords.Object(fields, settings.RequestTypeField), "requestType"), "name")
            ?? PulledRecords.Text(PulledRecords.Object(fields, "issuetype"), "name");
        // Resolved with a resolution that turns the request down (RequestFailedResolutions): failed, never fulfilled.
        var resolved = Time(PulledRecords.Text(fields, "resolutiondate"));
        var resolution = PulledRecords.Text(PulledRecords.Object(fields, "resolution"), "name");
        var failed = resolved is not null && resolution is not null && settings.RequestFailedResolutions.Contains(resolution, StringComparer.OrdinalIgnoreCase);
        var values = new Dictionary<string, string?>
        {
            ["request_id"] = key.Length == 0 ? null : IssueId(key),
            ["team"] = team,
            ["kind"] = type is null ? null : settings.RequestKinds.TryGetValue(type, out var kind) ? kind : Slug(type),
            ["channel"] = "ticket",
            ["requested_at"] = Time(PulledRecords.Text(fields, "created")),
            ["fulfilled_at"] = failed ? null : resolved,
            ["status"] = resolved is null ? "open" : failed ? "failed" : "fulfilled",
            ["closed_at"] = resolved,
        };
        var (record, problem) = PulledRecords.Check($"Jira issue {Name(key)}", values, ServiceRequestEvent.Parse, now, RequestOrigins);
        return new JiraRow(record?.ToRow(source), problem);
    }

    /// <summary>A request type's name as a kind: "Get IT help" → <c>get-it-help</c>.</summary>
    public static string Slug(string name) => NotSlug().Replace(name.Trim().ToLowerInvariant(), "-").Trim('-');

    private static string Name(string key) => key.Length == 0 ? "without a key" : key;

    [GeneratedRegex(@"([+-]\d{2})(\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex OffsetWithoutColon();

    [GeneratedRegex("[^a-z0-9]+", RegexOptions.CultureInvariant)]
    private static partial Regex NotSlug();
}
