using System.Text.Json;
using Analytics.Ingestors.Csv;

namespace Analytics.Ingestors.Opsgenie;

/// <summary>
/// Opsgenie incidents (Incident API v1 objects) as incidents rows, checked by the CSV format's rules. Pure functions,
/// so each rule is tested on its own.
/// </summary>
public static class OpsgenieRows
{
    /// <summary>The Opsgenie field each incidents column comes from, for the messages of a refused incident.</summary>
    private static readonly Dictionary<string, string> Origins = new()
    {
        ["incident_id"] = "id", ["service"] = "impactedServices", ["severity"] = "priority", ["title"] = "message",
        ["started_at"] = "impactStartDate/createdAt", ["resolved_at"] = "impactEndDate/updatedAt", ["caused_by_deployment_id"] = "extraProperties",
    };

    /// <summary>The stored id: Opsgenie's incident id is unique in an account, and the prefix keeps it apart from other sources' ids.</summary>
    public static string IncidentId(string opsgenieId) => $"opsgenie-{opsgenieId}";

    /// <summary>The ids of the services the incident impacts, in Opsgenie's order.</summary>
    public static IReadOnlyList<string> ImpactedServices(JsonElement incident) =>
        PulledRecords.Items(incident, "impactedServices").Where(s => s.ValueKind == JsonValueKind.String).Select(s => s.GetString()!).ToList();

    /// <summary>
    /// The catalog service of the first impacted service that is mapped, by id, else by its name in
    /// <paramref name="names"/> (the account's services, id → name); null when none is.
    /// </summary>
    public static string? ServiceOf(OpsgenieSourceSettings settings, JsonElement incident, IReadOnlyDictionary<string, string>? names)
    {
        foreach (var id in ImpactedServices(incident))
        {
            if (settings.Services.TryGetValue(id, out var byId))
            {
                return byId;
            }
            if (names?.TryGetValue(id, out var name) == true && settings.Services.TryGetValue(name, out var byName))
            {
                return byName;
            }
        }
        return null;
    }

    /// <summary>How the incident's first impacted service is named in a message: "'name' (id)", or "none".</summary>
    public static string ServiceName(JsonElement incident, IReadOnlyDictionary<string, string>? names) =>
        ImpactedServices(incident) is [var id, ..]
            ? $"'{(names?.TryGetValue(id, out var name) == true ? name : "unnamed")}' ({id})"
            : "'none' (no impactedServices)";

    /// <summary>The severity: the priority's when mapped, else the default.</summary>
    public static string Severity(OpsgenieSourceSettings settings, JsonElement incident) =>
        PulledRecords.Text(incident, "priority") is { } priority && settings.SeverityByPriority.TryGetValue(priority, out var severity)
            ? severity
            : settings.DefaultSeverity;

    /// <summary>Resolved or closed: Opsgenie's statuses after open; a closed incident was resolved first.</summary>
    public static bool IsResolved(JsonElement incident) => PulledRecords.Text(incident, "status") is "resolved" or "closed";

    /// <summary>The incident's <c>createdAt</c>, what the source's search filters on; null when missing or not a time.</summary>
    public static DateTimeOffset? CreatedAt(JsonElement incident) => PulledRecords.TimeOf(incident, "createdAt");

    /// <summary>The deployment the incident's <c>extraProperties</c> name (<c>deployment_id</c>, set by whoever opened it), or null.</summary>
    public static string? CausedBy(JsonElement incident) => PulledRecords.DeploymentId(PulledRecords.Object(incident, "extraProperties"));

    /// <summary>
    /// The incident as an incidents record: its impact start (<c>impactStartDate</c>, else <c>createdAt</c>) →
    /// started_at, and for a resolved or closed incident its impact end (<c>impactEndDate</c>, else <c>updatedAt</c>:
    /// a resolved incident changes no more until closed) → resolved_at; <c>message</c> → title. Refused, with the
    /// reason, where the CSV format would refuse it.
    /// </summary>
    public static (IncidentEvent? Incident, string? Problem) Incident(
        OpsgenieSourceSettings settings, JsonElement incident, string service, DateTimeOffset now)
    {
        var id = PulledRecords.Text(incident, "id") ?? "";
        var tiny = PulledRecords.Text(incident, "tinyId") is { } tinyId ? $" (#{tinyId})" : "";
        var fields = new Dictionary<string, string?>
        {
            ["incident_id"] = id.Length == 0 ? null : IncidentId(id),
            ["service"] = service,
            ["severity"] = Severity(settings, incident),
            ["title"] = PulledRecords.Text(incident, "message"),
            ["started_at"] = PulledRecords.Text(incident, "impactStartDate") ?? PulledRecords.Text(incident, "createdAt"),
            ["resolved_at"] = IsResolved(incident) ? PulledRecords.Text(incident, "impactEndDate") ?? PulledRecords.Text(incident, "updatedAt") : null,
            ["caused_by_deployment_id"] = CausedBy(incident),
        };
        return PulledRecords.Check($"Opsgenie incident {(id.Length == 0 ? "without an id" : id)}{tiny}", fields, IncidentEvent.Parse, now, Origins);
    }
}
