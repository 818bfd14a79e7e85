using System.Globalization;
using System.Text.Json;
using Analytics.Ingestors.Csv;
using Analytics.Ingestors.Sources;

namespace Analytics.Ingestors.PagerDuty;

/// <summary>
/// PagerDuty incidents (REST API v2 <c>Incident</c> objects) as incidents rows, checked by the CSV format's rules. Pure
/// functions, so each rule is tested on its own.
/// </summary>
public static class PagerDutyRows
{
    /// <summary>The PagerDuty field each incidents column comes from, for the messages of a refused incident.</summary>
    private static readonly Dictionary<string, string> Origins = new()
    {
        ["incident_id"] = "id", ["service"] = "service", ["severity"] = "priority/urgency", ["title"] = "title",
        ["started_at"] = "created_at", ["resolved_at"] = "resolved_at", ["caused_by_deployment_id"] = "related change events", ["url"] = "html_url",
    };

    /// <summary>The stored id: PagerDuty's incident id is unique in an account, and the prefix keeps it apart from other sources' ids.</summary>
    public static string IncidentId(string pagerDutyId) => $"pagerduty-{pagerDutyId}";

    /// <summary>The catalog service of the incident's PagerDuty service (by id, else by name), or null when it is not mapped.</summary>
    public static string? ServiceOf(PagerDutySourceSettings settings, JsonElement incident)
    {
        var service = PulledRecords.Object(incident, "service");
        foreach (var key in new[] { PulledRecords.Text(service, "id"), PulledRecords.Text(service, "summary"), PulledRecords.Text(service, "name") })
        {
            if (key is not null && settings.Services.TryGetValue(key, out var slug))
            {
                return slug;
            }
        }
        return null;
    }

    /// <summary>How the incident's service is named in a message: "name (id)".</summary>
    public static string ServiceName(JsonElement incident)
    {
        var service = PulledRecords.Object(incident, "service");
        return $"'{PulledRecords.Text(service, "summary") ?? PulledRecords.Text(service, "name") ?? "none"}' ({PulledRecords.Text(service, "id") ?? "no id"})";
    }

    /// <summary>The severity: the priority's (by name) when mapped, else the urgency's, else the default.</summary>
    public static string Severity(PagerDutySourceSettings settings, JsonElement incident)
    {
        var priority = PulledRecords.Object(incident, "priority");
        var name = PulledRecords.Text(priority, "name") ?? PulledRecords.Text(priority, "summary");
        if (name is not null && settings.SeverityByPriority.TryGetValue(name, out var byPriority))
        {
            return byPriority;
        }
        return PulledRecords.Text(incident, "urgency") is { } urgency && settings.SeverityByUrgency.TryGetValue(urgency, out var byUrgency)
            ? byUrgency
            : settings.DefaultSeverity;
    }

    public static bool IsResolved(JsonElement incident) => PulledRecords.Text(incident, "status") == "resolved";

    /// <summary>The incident's <c>created_at</c>, what PagerDuty's <c>since</c>/<c>until</c> filter on; null when missing or not a time.</summary>
    public static DateTimeOffset? CreatedAt(JsonElement incident) => PulledRecords.TimeOf(incident, "created_at");

    /// <summary>
    /// The incident as an incidents record: created → started_at, and for a resolved incident its <c>resolved_at</c>
    /// (or, from accounts whose answers lack it, <c>last_status_change_at</c>: a resolved incident's status changes
    /// no more) → resolved_at. Refused, with the reason, where the CSV format would refuse it.
    /// </summary>
    public static (IncidentEvent? Incident, string? Problem) Incident(
        PagerDutySourceSettings settings, JsonElement incident, string service, string? causedBy, DateTimeOffset now)
    {
        var id = PulledRecords.Text(incident, "id") ?? "";
        var number = incident.TryGetProperty("incident_number", out var n) && n.ValueKind == JsonValueKind.Number ? $" (#{n.GetRawText()})" : "";
        var fields = new Dictionary<string, string?>
        {
            ["incident_id"] = id.Length == 0 ? null : IncidentId(id),
            ["service"] = service,
            ["severity"] = Severity(settings, incident),
            ["title"] = PulledRecords.Text(incident, "title") ?? PulledRecords.Text(incident, "summary"),
            ["started_at"] = PulledRecords.Text(incident, "created_at"),
            ["resolved_at"] = IsResolved(incident) ? PulledRecords.Text(incident, "resolved_at") ?? PulledRecords.Text(incident, "last_status_change_at") : null,
            ["caused_by_deployment_id"] = causedBy,
            ["url"] = PulledRecords.Text(incident, "html_url"),
        };
        return PulledRecords.Check($"PagerDuty incident {(id.Length == 0 ? "without an id" : id)}{number}", fields, IncidentEvent.Parse, now, Origins);
    }

    /// <summary>
    /// The deployment that caused an incident, as PagerDuty's related change events name it: the most recent change
    /// event whose <c>custom_details</c> carry a <c>deployment_id</c> (or <c>deployment</c>), taken as a stored
    /// deployment id (send it so in the change event: the id your deployments CSV, push or source uses). None names
    /// one → null.
    /// </summary>
    public static string? CausedBy(IEnumerable<JsonElement> relatedChangeEvents) =>
        relatedChangeEvents
            .Select(e => (At: Timestamp(PulledRecords.Text(e, "timestamp")), Deployment: PulledRecords.DeploymentId(PulledRecords.Object(e, "custom_details"))))
            .Where(e => e.Deployment is not null)
            .OrderByDescending(e => e.At)
            .Select(e => e.Deployment)
            .FirstOrDefault();

    private static DateTimeOffset Timestamp(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : DateTimeOffset.MinValue;
}
