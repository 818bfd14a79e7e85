using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Analytics.Simulators.Shared;
using Microsoft.AspNetCore.Http;

namespace Analytics.Simulators.Opsgenie;

/// <summary>A service of the simulated account (Service API).</summary>
public sealed record FakeOpsgenieService(string Id, string Name, string TeamId = "9a1e1d5e-0000-4000-8000-000000000001");

/// <summary>An incident as the simulated account holds it.</summary>
public sealed class FakeOpsgenieIncident
{
    public required string Id { get; init; }

    public string TinyId { get; init; } = "";

    public string Message { get; set; } = "";

    /// <summary>The ids of the impacted services (<c>impactedServices</c>).</summary>
    public List<string> ServiceIds { get; init; } = [];

    /// <summary>P1 … P5 (Opsgenie's default is P3).</summary>
    public string Priority { get; set; } = "P3";

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Set = resolved at that time (the impact's end); null = still open.</summary>
    public DateTimeOffset? ResolvedAt { get; set; }

    /// <summary>Closed after it was resolved.</summary>
    public bool Closed { get; set; }

    public Dictionary<string, string> ExtraProperties { get; } = [];

    /// <summary>Changes the incident's JSON as served (e.g. a malformed <c>impactEndDate</c>), for bad-record tests.</summary>
    public Action<JsonObject>? Corrupt { get; set; }

    public string Status => ResolvedAt is null ? "open" : Closed ? "closed" : "resolved";

    public DateTimeOffset UpdatedAt => ResolvedAt ?? CreatedAt;
}

/// <summary>
/// Opsgenie's Incident API v1 and Service API for what the Opsgenie source reads — <c>GET /v1/incidents</c> (search
/// <c>query</c>, <c>offset</c>, <c>limit</c> up to 100, <c>sort</c>, <c>order</c>), <c>GET /v1/incidents/{id}</c>,
/// <c>GET /v1/services</c> — with the shapes of Opsgenie's API docs and its OpenAPI definitions (opsgenie/opsgenie-oas
/// <c>BaseIncident</c>, <c>PageDetails</c>): answers as <c>{"data":…,"paging":{"first","next","last"},"took","requestId"}</c>,
/// <c>paging.next</c> an absolute link present only while more follow; incidents with <c>tinyId</c>, <c>message</c>,
/// <c>status</c> (open, resolved, closed), <c>priority</c>, <c>impactedServices</c> (service ids),
/// <c>impactStartDate</c>/<c>impactEndDate</c>, <c>extraProperties</c>. The search query takes the terms the source
/// sends — <c>createdAt</c> compared with epoch milliseconds, <c>status: …</c>, joined by <c>AND</c> — and refuses
/// others with 422, as Opsgenie refuses an invalid query. Errors are Opsgenie's <c>{"message","took","requestId"}</c>;
/// every answer carries <c>X-RateLimit-State</c> (OK), and a throttled request gets 429 with <c>X-RateLimit-State:
/// THROTTLED</c>, <c>X-RateLimit-Reason</c> and <c>X-RateLimit-Period-In-Sec</c>. Requests need <c>Authorization: GenieKey …</c>.
/// </summary>
public sealed partial class FakeOpsgenieServer : FakeVendorServer
{
    private FakeOpsgenieServer(TimeProvider clock, string apiKey) : base(clock) => ApiKey = apiKey;

    public string ApiKey { get; }

    public List<FakeOpsgenieIncident> Incidents { get; } = [];

    public List<FakeOpsgenieService> Services { get; } = [];

    public static async Task<FakeOpsgenieServer> StartAsync(TimeProvider clock, string apiKey)
    {
        var server = new FakeOpsgenieServer(clock, apiKey) { RateLimit = 600 };
        await server.StartAsync();
        return server;
    }

    protected override bool IsAuthorised(HttpRequest request) => request.Headers.Authorization.ToString() == $"GenieKey {ApiKey}";

    protected override VendorAnswer Unauthorised() => Error(401, "Could not authenticate");

    protected override VendorAnswer RateLimited(TimeSpan resetIn)
    {
        var answer = Error(429, "You are making too many requests! To avoid errors, we recommend you limit requests.");
        answer.Headers["X-RateLimit-State"] = "THROTTLED";
        answer.Headers["X-RateLimit-Reason"] = "INCIDENT";
        answer.Headers["X-RateLimit-Period-In-Sec"] = ((int)RateLimitWindow.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        return answer;
    }

    protected override void AddRateLimitHeaders(Dictionary<string, string> headers, int limit, int remaining, TimeSpan resetIn) =>
        headers.TryAdd("X-RateLimit-State", "OK");

    protected override VendorAnswer Route(HttpRequest request)
    {
        var segments = (request.Path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        return segments switch
        {
            ["v1", "incidents"] => ListIncidents(request),
            ["v1", "incidents", var id] => (request.Query["identifierType"].ToString() is "" or "id" ? Incidents.FirstOrDefault(i => i.Id == id) : Incidents.FirstOrDefault(i => i.TinyId == id)) is { } one
                ? Data(new JsonObject { ["data"] = IncidentJson(one) })
                : Error(404, $"Incident with id [{id}] does not exist"),
            ["v1", "services"] => Page(request, "v1/services", Services.Select(ServiceJson).ToList()),
            _ => Error(404, "Requested resource does not exist"),
        };
    }

    private VendorAnswer ListIncidents(HttpRequest request)
    {
        var query = request.Query["query"].ToString();
        var filters = new List<Func<FakeOpsgenieIncident, bool>>();
        foreach (var term in query.Split(" AND ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (CreatedTerm().Match(term) is { Success: true } created && long.TryParse(created.Groups[2].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var millis))
            {
                var at = DateTimeOffset.FromUnixTimeMilliseconds(millis);
                filters.Add(created.Groups[1].Value switch
                {
                    ">=" => i => i.CreatedAt >= at,
                    ">" => i => i.CreatedAt > at,
                    "<=" => i => i.CreatedAt <= at,
                    _ => i => i.CreatedAt < at,
                });
            }
            else if (StatusTerm().Match(term) is { Success: true } status)
            {
                var wanted = status.Groups[1].Value;
                filters.Add(i => i.Status == wanted);
            }
            else
            {
                return Error(422, "Invalid query", ("query", $"Unsupported search term '{term}'"));
            }
        }
        var descending = request.Query["order"] == "desc";
        var matching = Incidents.Where(i => filters.All(f => f(i))).OrderBy(i => i.CreatedAt).ThenBy(i => i.Id, StringComparer.Ordinal).ToList();
        if (descending)
        {
            matching.Reverse();
        }
        return Page(request, "v1/incidents", matching.Select(IncidentJson).ToList());
    }

    /// <summary>One page of <paramref name="items"/> by <c>offset</c> and <c>limit</c> (at most 100, 20 by default), with Opsgenie's paging links.</summary>
    private VendorAnswer Page(HttpRequest request, string path, IReadOnlyList<JsonObject> items)
    {
        var limit = int.TryParse(request.Query["limit"], out var l) ? Math.Clamp(l, 1, 100) : 20;
        var offset = int.TryParse(request.Query["offset"], out var o) ? Math.Max(0, o) : 0;
        string Link(int at)
        {
            var parameters = request.Query.Where(p => p.Key is not ("offset" or "limit"))
                .Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value.ToString())}")
                .Append($"offset={at}").Append($"limit={limit}");
            return $"{BaseUrl}{path}?{string.Join('&', parameters)}";
        }
        var paging = new JsonObject { ["first"] = Link(0) };
        if (offset + limit < items.Count)
        {
            paging["next"] = Link(offset + limit);
        }
        paging["last"] = Link(Math.Max(0, (items.Count - 1) / limit * limit));
        return Data(new JsonObject
        {
            ["data"] = new JsonArray(items.Skip(offset).Take(limit).Select(i => (JsonNode?)i.DeepClone()).ToArray()),
            ["paging"] = paging,
        });
    }

    private JsonObject IncidentJson(FakeOpsgenieIncident incident)
    {
        var json = new JsonObject
        {
            ["id"] = incident.Id,
            ["tinyId"] = incident.TinyId,
            ["message"] = incident.Message,
            ["status"] = incident.Status,
            ["isSeen"] = true,
            ["tags"] = new JsonArray(),
            ["createdAt"] = Time(incident.CreatedAt),
            ["updatedAt"] = Time(incident.UpdatedAt),
            ["source"] = "Incident API",
            ["owner"] = "",
            ["priority"] = incident.Priority,
            ["responders"] = new JsonArray(new JsonObject { ["type"] = "team", ["id"] = "9a1e1d5e-0000-4000-8000-000000000001" }),
            ["ownerTeam"] = "9a1e1d5e-0000-4000-8000-000000000001",
            ["impactedServices"] = new JsonArray(incident.ServiceIds.Select(id => (JsonNode?)id).ToArray()),
            ["impactStartDate"] = Time(incident.CreatedAt),
            ["extraProperties"] = new JsonObject(incident.ExtraProperties.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
        };
        if (incident.ResolvedAt is { } resolved)
        {
            json["impactEndDate"] = Time(resolved);
        }
        incident.Corrupt?.Invoke(json);
        return json;
    }

    private static JsonObject ServiceJson(FakeOpsgenieService service) => new()
    {
        ["id"] = service.Id,
        ["name"] = service.Name,
        ["description"] = "",
        ["teamId"] = service.TeamId,
        ["tags"] = new JsonArray(),
        ["isExternal"] = false,
    };

    private static VendorAnswer Data(JsonObject body)
    {
        body["took"] = 0.012;
        body["requestId"] = Guid.NewGuid().ToString();
        return VendorAnswer.Json(200, body);
    }

    private static VendorAnswer Error(int status, string message, params (string Field, string Reason)[] errors)
    {
        var body = new JsonObject { ["message"] = message };
        if (errors.Length > 0)
        {
            body["errors"] = new JsonObject(errors.Select(e => KeyValuePair.Create(e.Field, (JsonNode?)e.Reason)));
        }
        body["took"] = 0.002;
        body["requestId"] = Guid.NewGuid().ToString();
        return VendorAnswer.Json(status, body);
    }

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^createdAt\s*(>=|<=|>|<)\s*(\d+)$", RegexOptions.CultureInvariant)]
    private static partial Regex CreatedTerm();

    [GeneratedRegex(@"^status\s*:\s*(open|resolved|closed)$", RegexOptions.CultureInvariant)]
    private static partial Regex StatusTerm();
}
