using System.Text.Json;
using System.Text.Json.Serialization;

namespace Analytics.Ingestors.Backstage;

// The shapes of Backstage's catalog and scaffolder answers, as its OpenAPI specs and types publish them
// (plugins/catalog-backend/src/schema/openapi.yaml: EntitiesQueryResponse; @backstage/plugin-scaffolder-node:
// SerializedTask). Only the fields the source reads.

/// <summary><c>GET /api/catalog/entities/by-query</c>: a page of entities and the cursor of the next.</summary>
internal sealed record EntitiesQueryResponse(IReadOnlyList<Entity>? Items, long TotalItems, EntitiesPageInfo? PageInfo);

internal sealed record EntitiesPageInfo(string? NextCursor, string? PrevCursor);

internal sealed record Entity(string ApiVersion, string Kind, EntityMeta Metadata, JsonElement Spec, IReadOnlyList<EntityRelation>? Relations)
{
    /// <summary>The entity's reference, <c>kind:namespace/name</c> in lower case (Backstage compares references ignoring case).</summary>
    public string Ref => $"{Kind}:{Metadata.Namespace ?? "default"}/{Metadata.Name}".ToLowerInvariant();

    public string? Annotation(string name) => Metadata.Annotations?.GetValueOrDefault(name) is { Length: > 0 } value ? value.Trim() : null;

    public string? SpecText(params string[] path)
    {
        var element = Spec;
        foreach (var name in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
            {
                return null;
            }
        }
        return element.ValueKind == JsonValueKind.String && element.GetString() is { Length: > 0 } text ? text.Trim() : null;
    }

    public IReadOnlyList<string> SpecList(string name) =>
        Spec.ValueKind == JsonValueKind.Object && Spec.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!.Trim()).Where(s => s.Length > 0).ToList()
            : [];
}

internal sealed record EntityMeta(string Name, string? Namespace, string? Title, string? Uid, string? Etag, IReadOnlyDictionary<string, string>? Annotations, IReadOnlyList<string>? Tags);

/// <summary><c>GET /api/scaffolder/v2/tasks</c>: newest first, paged by <c>limit</c>/<c>offset</c>.</summary>
internal sealed record TaskListResponse(IReadOnlyList<SerializedTask>? Tasks, long? TotalTasks);

internal sealed record SerializedTask(string Id, TaskSpec? Spec, string Status, DateTimeOffset CreatedAt, DateTimeOffset? LastHeartbeatAt, string? CreatedBy)
{
    /// <summary>The statuses after which a task no longer changes.</summary>
    public bool IsFinished => Status is "completed" or "failed" or "cancelled" or "skipped";
}

internal sealed record TaskSpec(TaskTemplateInfo? TemplateInfo, TaskUser? User);

internal sealed record TaskTemplateInfo(string? EntityRef);

internal sealed record TaskUser(string? Ref);

/// <summary>Entity references as Backstage writes them: <c>[kind:][namespace/]name</c>.</summary>
internal static class EntityRefs
{
    /// <summary>The reference in full and lower case, with <paramref name="defaultKind"/> and the default namespace filled in; null when it has no name.</summary>
    public static string? Normalize(string? reference, string defaultKind)
    {
        if (string.IsNullOrWhiteSpace(reference))
        {
            return null;
        }
        var text = reference.Trim();
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var kind = colon > 0 ? text[..colon] : defaultKind;
        var rest = colon > 0 ? text[(colon + 1)..] : text;
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var (ns, name) = slash > 0 ? (rest[..slash], rest[(slash + 1)..]) : ("default", rest);
        return name.Length == 0 ? null : $"{kind}:{ns}/{name}".ToLowerInvariant();
    }

    public static string Kind(string normalized) => normalized[..normalized.IndexOf(':', StringComparison.Ordinal)];

    /// <summary>The name part: the catalog's slug or person id for entities of the default namespace, <c>namespace-name</c> for others.</summary>
    public static string Key(string normalized)
    {
        var rest = normalized[(normalized.IndexOf(':', StringComparison.Ordinal) + 1)..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var (ns, name) = (rest[..slash], rest[(slash + 1)..]);
        return ns == "default" ? name : $"{ns}-{name}";
    }
}


internal sealed record EntityRelation(string Type, string? TargetRef);

/// <summary>An instant as the CSV formats read it (UTC, milliseconds).</summary>
internal static class IsoTime
{
    public static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
