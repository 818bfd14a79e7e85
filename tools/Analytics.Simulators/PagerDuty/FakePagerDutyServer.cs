using System.Globalization;
using System.Text.Json.Nodes;
using Analytics.Simulators.Shared;
using Microsoft.AspNetCore.Http;

namespace Analytics.Simulators.PagerDuty;

/// <summary>A change event PagerDuty relates to an incident; <see cref="DeploymentId"/> goes into its <c>custom_details</c>.</summary>
public sealed record FakeChangeEvent(string Id, DateTimeOffset Timestamp, string Summary, string? DeploymentId = null, string Reason = "most_recent");

/// <summary>An incident as the simulated account holds it.</summary>
public sealed class FakePagerDutyIncident
{
    public required string Id { get; init; }

    public int Number { get; init; }

    public string Title { get; set; } = "";

    public required string ServiceId { get; init; }

    public string ServiceName { get; init; } = "";

    public string Urgency { get; set; } = "high";

    /// <summary>The priority's name (<c>P1</c>); null = none set.</summary>
    public string? Priority { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Set = resolved at that time; null = still triggered.</summary>
    public DateTimeOffset? ResolvedAt { get; set; }

    /// <summary>Acknowledged (and not resolved).</summary>
    public bool Acknowledged { get; set; }

    public List<FakeChangeEvent> ChangeEvents { get; } = [];

    /// <summary>Changes the incident's JSON as served (e.g. a malformed <c>created_at</c>), for bad-record tests.</summary>
    public Action<JsonObject>? Corrupt { get; set; }

    public string Status => ResolvedAt is not null ? "resolved" : Acknowledged ? "acknowledged" : "triggered";
}

/// <summary>
/// PagerDuty's REST API v2 for what the PagerDuty source reads — <c>GET /incidents</c>, <c>GET /incidents/{id}</c>,
/// <c>GET /incidents/{id}/related_change_events</c> — with the response shapes of PagerDuty's published OpenAPI
/// description (PagerDuty/api-schema, <c>reference/REST/openapiv3.json</c>): <c>Incident</c> objects with service and
/// priority references, classic pagination (<c>limit</c> up to 100, <c>offset</c>, <c>more</c>, <c>total</c> null unless
/// asked for), <c>since</c>/<c>until</c> on the creation time. Errors are PagerDuty's error object
/// (<c>{"error":{"message":…,"code":…}}</c>); the rate limit answers 429 with <c>ratelimit-limit</c>,
/// <c>ratelimit-remaining</c> and <c>ratelimit-reset</c> (seconds) as PagerDuty's rate-limit page describes. Requests
/// need <c>Authorization: Token token=…</c> and the version-2 Accept header.
/// </summary>
public sealed class FakePagerDutyServer : FakeVendorServer
{
    public const string AcceptV2 = "application/vnd.pagerduty+json;version=2";

    private FakePagerDutyServer(TimeProvider clock, string token) : base(clock) => Token = token;

    public string Token { get; }

    public List<FakePagerDutyIncident> Incidents { get; } = [];

    public static async Task<FakePagerDutyServer> StartAsync(TimeProvider clock, string token)
    {
        var server = new FakePagerDutyServer(clock, token) { RateLimit = 960 };
        await server.StartAsync();
        return server;
    }

    protected override bool IsAuthorised(HttpRequest request) => request.Headers.Authorization.ToString() == $"Token token={Token}";

    protected override VendorAnswer Unauthorised() => Error(401, 2006, "Authentication failed");

    protected override VendorAnswer RateLimited(TimeSpan resetIn) => Error(429, 2020, "Rate Limit Exceeded");

    protected override void AddRateLimitHeaders(Dictionary<string, string> headers, int limit, int remaining, TimeSpan resetIn)
    {
        headers["ratelimit-limit"] = limit.ToString(CultureInfo.InvariantCulture);
        headers["ratelimit-remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
        headers["ratelimit-reset"] = Math.Max(1, (int)Math.Ceiling(resetIn.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
    }

    protected override VendorAnswer Route(HttpRequest request)
    {
        if (!request.Headers.Accept.ToString().Replace(" ", "", StringComparison.Ordinal).Contains(AcceptV2, StringComparison.OrdinalIgnoreCase))
        {
            return Error(400, 2001, "Invalid Input Provided", "Accept header must ask for application/vnd.pagerduty+json;version=2");
        }
        var segments = (request.Path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        return segments switch
        {
            ["incidents"] => List(request),
            ["incidents", var id] => Incidents.FirstOrDefault(i => i.Id == id) is { } one
                ? VendorAnswer.Json(200, new JsonObject { ["incident"] = IncidentJson(one) })
                : Error(404, 2100, "Not Found"),
            ["incidents", var id, "related_change_events"] => Incidents.FirstOrDefault(i => i.Id == id) is { } related
                ? VendorAnswer.Json(200, new JsonObject { ["change_events"] = new JsonArray(related.ChangeEvents.OrderByDescending(c => c.Timestamp).Select(ChangeEventJson).ToArray<JsonNode?>()) })
                : Error(404, 2100, "Not Found"),
            _ => Error(404, 2100, "Not Found"),
        };
    }

    private VendorAnswer List(HttpRequest request)
    {
        var query = request.Query;
        var now = Clock.GetUtcNow();
        DateTimeOffset since = now.AddMonths(-1), until = now;
        if ((query["since"].ToString() is { Length: > 0 } s && !TryTime(s, out since)) || (query["until"].ToString() is { Length: > 0 } u && !TryTime(u, out until)))
        {
            return Error(400, 2004, "Invalid 'since' or 'until' Parameter Values");
        }
        if (query["date_range"] == "all")
        {
            (since, until) = (DateTimeOffset.MinValue, DateTimeOffset.MaxValue);
        }
        var limit = int.TryParse(query["limit"], out var l) ? Math.Clamp(l, 1, 100) : 25;
        var offset = int.TryParse(query["offset"], out var o) ? Math.Max(0, o) : 0;
        var services = query["service_ids[]"].Where(id => !string.IsNullOrEmpty(id)).ToHashSet(StringComparer.Ordinal);
        var statuses = query["statuses[]"].Where(x => !string.IsNullOrEmpty(x)).ToHashSet(StringComparer.Ordinal);
        var matching = Incidents
            .Where(i => i.CreatedAt >= since && i.CreatedAt < until && (services.Count == 0 || services.Contains(i.ServiceId)) && (statuses.Count == 0 || statuses.Contains(i.Status)))
            .OrderBy(i => i.CreatedAt).ThenBy(i => i.Number)
            .ToList();
        var page = matching.Skip(offset).Take(limit).Select(IncidentJson).ToArray<JsonNode?>();
        return VendorAnswer.Json(200, new JsonObject
        {
            ["incidents"] = new JsonArray(page),
            ["limit"] = limit,
            ["offset"] = offset,
            ["more"] = offset + limit < matching.Count,
            ["total"] = query["total"] == "true" ? matching.Count : null,
        });
    }

    private JsonObject IncidentJson(FakePagerDutyIncident incident)
    {
        var self = $"{BaseUrl}incidents/{incident.Id}";
        var lastChange = incident.ResolvedAt ?? incident.CreatedAt;
        var json = new JsonObject
        {
            ["id"] = incident.Id,
            ["type"] = "incident",
            ["summary"] = $"[#{incident.Number}] {incident.Title}",
            ["self"] = self,
            ["html_url"] = $"https://acme.pagerduty.com/incidents/{incident.Id}",
            ["incident_number"] = incident.Number,
            ["title"] = incident.Title,
            ["created_at"] = Time(incident.CreatedAt),
            ["updated_at"] = Time(lastChange),
            ["status"] = incident.Status,
            ["incident_key"] = $"key-{incident.Id}",
            ["service"] = Reference(incident.ServiceId, "service_reference", incident.ServiceName, "services"),
            ["assignments"] = new JsonArray(),
            ["assigned_via"] = "escalation_policy",
            ["last_status_change_at"] = Time(lastChange),
            ["resolved_at"] = incident.ResolvedAt is { } resolved ? Time(resolved) : null,
            ["first_trigger_log_entry"] = Reference($"R{incident.Id}", "trigger_log_entry_reference", "Triggered through the API", "log_entries"),
            ["alert_counts"] = new JsonObject { ["all"] = 1, ["triggered"] = incident.ResolvedAt is null ? 1 : 0, ["resolved"] = incident.ResolvedAt is null ? 0 : 1 },
            ["is_mergeable"] = true,
            ["escalation_policy"] = Reference("PT20YPA", "escalation_policy_reference", "Default", "escalation_policies"),
            ["teams"] = new JsonArray(),
            ["pending_actions"] = new JsonArray(),
            ["acknowledgements"] = new JsonArray(),
            ["priority"] = incident.Priority is { } priority ? Reference($"PRI{priority}", "priority_reference", priority, "priorities") : null,
            ["urgency"] = incident.Urgency,
        };
        incident.Corrupt?.Invoke(json);
        return json;
    }

    private JsonObject ChangeEventJson(FakeChangeEvent change)
    {
        var details = new JsonObject { ["build_state"] = "passed" };
        if (change.DeploymentId is { } deployment)
        {
            details["deployment_id"] = deployment;
        }
        return new JsonObject
        {
            ["id"] = change.Id,
            ["type"] = "change_event",
            ["summary"] = change.Summary,
            ["timestamp"] = Time(change.Timestamp),
            ["source"] = "acme-deploy-pipeline",
            ["integration"] = new JsonObject { ["id"] = "PEYSGVF", ["type"] = "inbound_integration_reference" },
            ["services"] = new JsonArray(),
            ["custom_details"] = details,
            ["links"] = new JsonArray(),
            ["correlation_reason"] = new JsonObject { ["reason"] = change.Reason },
        };
    }

    private JsonObject Reference(string id, string type, string summary, string collection) => new()
    {
        ["id"] = id,
        ["type"] = type,
        ["summary"] = summary,
        ["self"] = $"{BaseUrl}{collection}/{id}",
        ["html_url"] = $"https://acme.pagerduty.com/{collection}/{id}",
    };

    private static VendorAnswer Error(int status, int code, string message, params string[] errors)
    {
        var error = new JsonObject { ["message"] = message, ["code"] = code };
        if (errors.Length > 0)
        {
            error["errors"] = new JsonArray(errors.Select(e => (JsonNode?)e).ToArray());
        }
        return VendorAnswer.Json(status, new JsonObject { ["error"] = error });
    }

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static bool TryTime(string text, out DateTimeOffset time) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time);
}
