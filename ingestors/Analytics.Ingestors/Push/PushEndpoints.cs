using System.Text.Json;
using Analytics.Ingestors.Csv;
using Analytics.Ingestors.Runs;
using Analytics.Storage.ClickHouse;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Analytics.Ingestors.Push;

public static class PushEndpoints
{
    /// <summary>
    /// POST /api/push/deployments and POST /api/push/incidents: one JSON event or an array of them, authenticated by
    /// a source's bearer token (<c>Analytics:Push:Sources:&lt;name&gt;:Token</c>).
    /// </summary>
    public static IEndpointRouteBuilder MapPushApi(this IEndpointRouteBuilder endpoints)
    {
        var push = endpoints.MapGroup("/api/push");
        push.MapPost("/deployments", (HttpContext http, PushReceiver receiver, CancellationToken cancellationToken) =>
            receiver.ReceiveAsync(http, PushedEvents.Deployments, cancellationToken));
        push.MapPost("/incidents", (HttpContext http, PushReceiver receiver, CancellationToken cancellationToken) =>
            receiver.ReceiveAsync(http, PushedEvents.Incidents, cancellationToken));
        return endpoints;
    }
}

/// <summary>What one push endpoint accepts: the record's fields, how to parse one, and where it goes.</summary>
public sealed record PushedEvents(
    string Name, IReadOnlyList<FieldSpec> Fields, string Table, IReadOnlyList<string> Columns, string IdField, StoredEventIdentity Identity,
    Func<RecordReader, (string Id, string Group, DateTimeOffset Start, Func<string, object?[]> ToRow)> Parse)
{
    public static readonly PushedEvents Deployments = new("deployment", DeploymentEvent.Fields, DeploymentEvent.Table, DeploymentEvent.Columns,
        "deployment_id", StoredEventIdentity.Deployments, reader =>
        {
            var e = DeploymentEvent.Parse(reader);
            return (e.DeploymentId, e.Service, e.StartedAt, e.ToRow);
        });

    public static readonly PushedEvents Incidents = new("incident", IncidentEvent.Fields, IncidentEvent.Table, IncidentEvent.Columns,
        "incident_id", StoredEventIdentity.Incidents, reader =>
        {
            var e = IncidentEvent.Parse(reader);
            return (e.IncidentId, e.Service, e.StartedAt, e.ToRow);
        });
}

/// <summary>
/// Receives pushed events. Each accepted request is one ingest run of the pushing source, recorded like a scheduled
/// run. Events are written keyed by their id, so a retried push leaves one row, and a later push of the same id
/// (e.g. status in_progress, then success) replaces the earlier one on FINAL reads.
/// </summary>
public sealed class PushReceiver(PushTokens tokens, IClickHouseStore store, IngestRunner runner, TimeProvider clock)
{
    public const int MaxEventsPerRequest = 5_000;
    public const string SourceKind = "push";

    public async Task<IResult> ReceiveAsync(HttpContext http, PushedEvents events, CancellationToken cancellationToken)
    {
        var authorization = http.Request.Headers.Authorization.ToString();
        var source = tokens.Authenticate(authorization);
        if (source is null)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Results.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Unauthorized",
                detail: authorization.Length == 0
                    ? "Send the source's token as 'Authorization: Bearer <token>'."
                    : "The bearer token does not belong to any push source.");
        }

        Dictionary<string, string[]>? invalid = null;
        var outcome = await runner.RunAsync(new PushRequestSource(source, async context =>
        {
            var (rows, errors) = await ReadAsync(http.Request, events, source, cancellationToken);
            if (errors.Count > 0)
            {
                invalid = errors;
                return new IngestResult(new Dictionary<string, long>(), errors.SelectMany(e => e.Value.Select(reason => $"{e.Key}: {reason}")).ToList());
            }
            var written = await store.InsertAsync(events.Table, events.Columns, rows, cancellationToken);
            return IngestResult.Rows(new Dictionary<string, long> { [events.Table] = written });
        }), cancellationToken);

        if (invalid is not null)
        {
            return Results.ValidationProblem(invalid, detail: $"The {events.Name}s were not stored: {invalid.First().Key} {invalid.First().Value[0]}.");
        }
        if (!outcome.Succeeded)
        {
            return Results.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "The event store is unavailable",
                detail: $"Nothing was stored (ingest run {outcome.RunId}); send the same request again later.");
        }
        return Results.Ok(new PushAccepted(source, outcome.RunId, outcome.RowsPerTable.Values.Sum()));
    }

    /// <summary>The request's events as rows, or what is wrong with it keyed by field ("started_at", or "[2].started_at" in an array).</summary>
    private async Task<(List<object?[]> Rows, Dictionary<string, string[]> Errors)> ReadAsync(
        HttpRequest request, PushedEvents events, string source, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Fail(string key, string reason) => (errors.TryGetValue(key, out var list) ? list : errors[key] = []).Add(reason);
        var rows = new List<object?[]>();

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException error)
        {
            Fail("body", $"is not valid JSON: {error.Message}");
            return (rows, Freeze(errors));
        }

        using (document)
        {
            var root = document.RootElement;
            var isArray = root.ValueKind == JsonValueKind.Array;
            var items = isArray ? root.EnumerateArray().ToList() : [root];
            if (!isArray && root.ValueKind != JsonValueKind.Object)
            {
                Fail("body", $"must be a JSON object (one {events.Name}) or an array of them");
            }
            else if (items.Count > MaxEventsPerRequest)
            {
                Fail("body", $"holds {items.Count} {events.Name}s; send at most {MaxEventsPerRequest} per request");
            }
            else
            {
                var parsed = new List<(string Prefix, string Id, string Group, DateTimeOffset Start, Func<string, object?[]> ToRow)>();
                var firstIndexOfId = new Dictionary<string, string>(StringComparer.Ordinal);
                var now = clock.GetUtcNow();
                for (var i = 0; i < items.Count; i++)
                {
                    var prefix = isArray ? $"[{i}]" : "";
                    string Key(string? field) => field is null ? (isArray ? prefix : "body") : isArray ? $"{prefix}.{field}" : field;
                    if (items[i].ValueKind != JsonValueKind.Object)
                    {
                        Fail(Key(null), $"must be a JSON object (one {events.Name})");
                        continue;
                    }
                    var fields = new JsonRecordFields(items[i], events.Fields);
                    var reader = new RecordReader(fields, now);
                    foreach (var problem in fields.Problems)
                    {
                        reader.Fail(problem.Field, problem.Reason);
                    }
                    var (id, group, start, toRow) = events.Parse(reader);
                    if (!reader.HasErrors && !firstIndexOfId.TryAdd(id, prefix))
                    {
                        reader.Fail(events.IdField, $"'{id}' appears twice in this request (also at {firstIndexOfId[id]}); send one {events.Name} per id");
                    }
                    foreach (var error in reader.Errors)
                    {
                        Fail(Key(error.Field), error.Reason);
                    }
                    if (!reader.HasErrors)
                    {
                        parsed.Add((prefix, id, group, start, toRow));
                    }
                }

                var changed = await events.Identity.FindChangedAsync(store, parsed.Select(p => (p.Id, p.Group, p.Start)).ToList(), cancellationToken);
                foreach (var (index, error) in changed)
                {
                    var prefix = parsed[index].Prefix;
                    Fail(prefix.Length == 0 ? error.Field! : $"{prefix}.{error.Field}", error.Reason);
                }
                if (errors.Count == 0)
                {
                    rows.AddRange(parsed.Select(p => p.ToRow(source)));
                }
            }
        }
        return (rows, Freeze(errors));
    }

    private static Dictionary<string, string[]> Freeze(Dictionary<string, List<string>> errors) =>
        errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    /// <summary>A push request as an ingest source, so it is recorded in the runs table like any other run.</summary>
    private sealed class PushRequestSource(string name, Func<IngestContext, Task<IngestResult>> run) : IIngestSource
    {
        public string Name => name;

        public string Kind => SourceKind;

        // Each request is a run of its own, all or nothing and idempotent: two requests of one source may overlap.
        public bool Exclusive => false;

        public Task<IngestResult> RunAsync(IngestContext context, CancellationToken cancellationToken) => run(context);
    }
}

/// <summary>The answer to an accepted push.</summary>
public sealed record PushAccepted(string Source, int RunId, long Accepted);

/// <summary>A pushed JSON object's properties as record fields; properties the record does not know, or that are not scalars, are problems.</summary>
internal sealed class JsonRecordFields : IRecordFields
{
    private readonly JsonElement _element;

    public JsonRecordFields(JsonElement element, IReadOnlyList<FieldSpec> fields)
    {
        _element = element;
        var known = fields.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (!known.Contains(property.Name))
            {
                Problems.Add(new FieldError(property.Name, $"is not a known field; the fields are: {string.Join(", ", known)}"));
            }
            else if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
            {
                Problems.Add(new FieldError(property.Name, "must be a string, number or boolean, not an object or array"));
            }
        }
    }

    public List<FieldError> Problems { get; } = [];

    public string? Get(string name)
    {
        if (!_element.TryGetProperty(name, out var value))
        {
            return null;
        }
        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!.Trim(),
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => "",
        };
        return text.Length == 0 ? null : text;
    }
}
