using System.Text.Json;
using Analytics.Ingestors.Csv;
using Analytics.Ingestors.Runs;
using Analytics.Ingestors.Sources;
using Analytics.Storage.Catalog;
using Analytics.Storage.ClickHouse;

namespace Analytics.Ingestors.Push;

/// <summary>
/// Receives pushed events: checks the bearer token (a push key from the catalog, or a configured source token), reads
/// and validates the JSON body, enforces the key's scope (event kinds, services) and stores the events. Each
/// authenticated push is one ingest run of the pushing source, recorded like a scheduled run. Events are written keyed
/// by their id, so a retried push leaves one row, and a later push of the same id (e.g. status in_progress, then
/// success) replaces the earlier one on FINAL reads; an id another source already stored is refused, so one source
/// cannot replace another's events. No HTTP here: the web app's push API calls this.
/// </summary>
public sealed class PushReceiver(PushTokens tokens, ApiKeys keys, IClickHouseStore store, IngestRunner runner, TimeProvider clock, CsvImporter importer)
{
    public const int MaxEventsPerRequest = 5_000;
    public const string SourceKind = "push";

    /// <param name="authorization">The request's Authorization header ("Bearer …"); null or empty when it had none.</param>
    /// <param name="body">The request body: one JSON event or an array of them.</param>
    public async Task<PushOutcome> ReceiveAsync(string? authorization, Stream body, PushedEvents events, CancellationToken cancellationToken)
    {
        var (credential, refused) = await AuthenticateAsync(authorization, cancellationToken);
        if (credential is null)
        {
            return refused!;
        }
        if (credential.Kinds is { } kinds && !kinds.Contains(events.Kind))
        {
            return new PushOutcome.Forbidden(credential.Actor, $"{credential.Actor} may push {string.Join(" and ", kinds)} only, not {events.Kind}.");
        }

        Dictionary<string, string[]>? invalid = null;
        string? forbidden = null;
        var outcome = await runner.RunAsync(new PushRequestSource(credential.Source, async context =>
        {
            (var records, var errors, forbidden) = await ReadAsync(body, events, credential, cancellationToken);
            if (forbidden is not null)
            {
                return new IngestResult(new Dictionary<string, long>(), [forbidden]);
            }
            if (errors.Count > 0)
            {
                invalid = errors;
                return new IngestResult(new Dictionary<string, long>(), errors.SelectMany(e => e.Value.Select(reason => $"{e.Key}: {reason}")).ToList());
            }
            var batch = await events.RowsAsync(store, records, credential.Source, cancellationToken);
            var written = new Dictionary<string, long>(await new RowWriter(store).WriteAsync(batch, cancellationToken), StringComparer.Ordinal);
            // As after an import: deployments whose commits or own rows just arrived are linked to what they shipped.
            var shipped = new ShippedChanges();
            foreach (var record in records)
            {
                events.Shipped?.Invoke(record, shipped);
            }
            if (await importer.LinkAsync(shipped, cancellationToken) is { } linked)
            {
                written["deployment_commits"] = linked;
            }
            return IngestResult.Rows(written);
        }), cancellationToken);

        if (forbidden is not null)
        {
            return new PushOutcome.Forbidden(credential.Actor, forbidden);
        }
        if (invalid is not null)
        {
            return new PushOutcome.Invalid(events.Name, invalid);
        }
        if (!outcome.Succeeded)
        {
            return new PushOutcome.StoreUnavailable(outcome.RunId);
        }
        return new PushOutcome.Accepted(new PushAccepted(credential.Source, outcome.RunId, outcome.RowsPerTable.GetValueOrDefault(events.Table)));
    }

    /// <summary>What a valid token or key may push: its source, and for a scoped key the services and kinds.</summary>
    private sealed record PushCredential(string Source, IReadOnlyList<string>? Services, IReadOnlyList<string>? Kinds, string Actor);

    /// <summary>A configured source token first (no database read), then a catalog key; or why neither holds.</summary>
    private async Task<(PushCredential? Credential, PushOutcome? Refused)> AuthenticateAsync(string? authorization, CancellationToken cancellationToken)
    {
        var token = PushTokens.BearerToken(authorization);
        if (token is null)
        {
            return (null, new PushOutcome.Unauthorized(TokenMissing: string.IsNullOrEmpty(authorization), AuditActor.Anonymous, "no bearer token"));
        }
        if (tokens.Authenticate(token) is { } source)
        {
            return (new PushCredential(source, null, null, $"token of {source}"), null);
        }
        var check = await keys.AuthenticateAsync(token, cancellationToken);
        if (check.Status != ApiKeyStatus.Valid)
        {
            return (null, new PushOutcome.Unauthorized(TokenMissing: false, check.Actor, check.Reason));
        }
        var key = check.Key!;
        if (key.Purpose != ApiKeys.PushPurpose)
        {
            return (null, new PushOutcome.Forbidden(check.Actor, $"{check.Actor} is a {key.Purpose} key; pushing needs a push key."));
        }
        return (new PushCredential(key.Source!, key.Services, key.Kinds, check.Actor), null);
    }

    /// <summary>Why a scoped key may not push these events (the services outside its scope), or null.</summary>
    private static string? OutsideScope(PushCredential credential, IEnumerable<string> services, PushedEvents events)
    {
        if (credential.Services is not { } allowed)
        {
            return null;
        }
        var outside = services.Where(service => !allowed.Contains(service)).Distinct().Order(StringComparer.Ordinal).ToList();
        return outside.Count == 0 ? null
            : $"{credential.Actor} may push {events.Kind} of {string.Join(", ", allowed)} only, not of {string.Join(", ", outside)}.";
    }

    /// <summary>
    /// The body's valid records; or what is wrong with it keyed by field ("started_at", or "[2].started_at" in an
    /// array); or, before any stored event is looked at, why the key may not push them (services outside its scope).
    /// </summary>
    private async Task<(List<object> Records, Dictionary<string, string[]> Errors, string? Forbidden)> ReadAsync(
        Stream body, PushedEvents events, PushCredential credential, CancellationToken cancellationToken)
    {
        var source = credential.Source;
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Fail(string key, string reason) => (errors.TryGetValue(key, out var list) ? list : errors[key] = []).Add(reason);
        var rows = new List<object>();

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
        }
        catch (JsonException error)
        {
            Fail("body", $"is not valid JSON: {error.Message}");
            return (rows, Freeze(errors), null);
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
                var parsed = new List<(string Prefix, PushedRecord Record)>();
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
                    var record = events.Parse(reader);
                    if (!reader.HasErrors && !firstIndexOfId.TryAdd(record.Id, prefix))
                    {
                        reader.Fail(events.IdField, $"'{record.Id}' appears twice in this request (also at {firstIndexOfId[record.Id]}); send one {events.Name} per id");
                    }
                    foreach (var error in reader.Errors)
                    {
                        Fail(Key(error.Field), error.Reason);
                    }
                    if (!reader.HasErrors)
                    {
                        parsed.Add((prefix, record));
                    }
                }

                if (OutsideScope(credential, parsed.Select(p => p.Record.Group), events) is { } outside)
                {
                    return (rows, Freeze(errors), outside);
                }
                var changed = await events.Identity.FindChangedAsync(store, parsed.Select(p => (p.Record.Id, p.Record.Group, p.Record.Start)).ToList(), cancellationToken, source);
                foreach (var (index, error) in changed)
                {
                    var prefix = parsed[index].Prefix;
                    Fail(prefix.Length == 0 ? error.Field! : $"{prefix}.{error.Field}", error.Reason);
                }
                if (errors.Count == 0)
                {
                    rows.AddRange(parsed.Select(p => p.Record.Record));
                }
            }
        }
        return (rows, Freeze(errors), null);
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
