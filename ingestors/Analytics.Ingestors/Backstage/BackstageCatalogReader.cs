using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Analytics.Ingestors.Csv;
using Analytics.Ingestors.Sources;
using Analytics.Storage.Catalog;

namespace Analytics.Ingestors.Backstage;

/// <summary>
/// Reads the catalog's Groups, Users, Components and Templates (one by-query list, cursor paging) and writes what
/// changed since the last run into the catalog through the CSV catalog formats: Groups → teams, Users → people and
/// their memberships, Templates → templates, Components → services, their ownership and the template they came from.
/// </summary>
/// <remarks>
/// <para>
/// Incremental by entity: the cursor keeps a fingerprint of what the catalog takes from each entity read (see
/// <see cref="FingerprintOf"/>), and only entities whose fingerprint differs are written, so an unchanged catalog
/// writes nothing. The list is read whole (one request per page): Backstage offers no conditional request and no
/// "updated since" filter on it.
/// </para>
/// <para>
/// History is never rewritten: an owner, membership or template use that differs from the catalog's open range
/// closes that range at this sync's time and opens a new one from it. Ranges first seen on the source's first sync
/// start at <see cref="BackstageSourceSettings.HistoryStart"/> (or that sync's time).
/// </para>
/// </remarks>
internal sealed class BackstageCatalogReader(BackstageSyncRun run)
{
    public const string Resource = "catalog";

    private static readonly string[] Kinds = ["group", "user", "template", "component"];

    /// <summary>The cursor: each entity's fingerprint as last written, and how many pages the list had.</summary>
    internal sealed record CatalogCursor(Dictionary<string, string> Fingerprints, int Pages);

    /// <summary>The entities read this run, by kind, all of them (changed or not): references are resolved against them.</summary>
    private sealed record CatalogSnapshot(IReadOnlyList<Entity> Entities)
    {
        public IEnumerable<Entity> OfKind(string kind) => Entities.Where(e => e.Kind.Equals(kind, StringComparison.OrdinalIgnoreCase));
    }

    public async Task ReadAsync(CancellationToken cancellationToken)
    {
        var cursor = await run.Run.Cursors.ReadAsync<CatalogCursor>(Resource, cancellationToken);
        var first = run.Api.Url($"api/catalog/entities/by-query?{string.Join('&', Kinds.Select(k => $"filter=kind={k}"))}&limit={run.Settings.PageSize.ToString(CultureInfo.InvariantCulture)}");
        // Backstage's by-query sends no ETag (catalog-backend 4.0.5), so this is null there; a proxy or a version that
        // does send one gets its 304. Only a one-page list may be skipped on it: a later page's change leaves the first's.
        var etag = cursor.State is { Pages: 1 } ? cursor.ETag : null;
        var entities = new List<Entity>();
        var pages = 0;
        var (notModified, firstETag) = await Pager.ReadAsync(
            Pager.PagesAsync<Entity>(first, etag, new CursorPaging("cursor"),
                (url, conditional, token) => run.Api.GetPageAsync<EntitiesQueryResponse, Entity>(url, conditional, body => (body.Items ?? [], body.PageInfo?.NextCursor, null), token),
                cancellationToken),
            page =>
            {
                pages++;
                entities.AddRange(page.Items);
                return Task.FromResult(true);
            });
        if (notModified)
        {
            run.Run.Cursors.Advance(Resource, cursor.State!, cursor.ETag);
            return;
        }

        var snapshot = new CatalogSnapshot(entities);
        var previous = cursor.State?.Fingerprints ?? [];
        var changed = entities.Where(e => !previous.TryGetValue(e.Ref, out var seen) || seen != FingerprintOf(e)).ToList();
        await WriteAsync(snapshot, changed.Select(e => e.Ref).ToHashSet(StringComparer.Ordinal), firstSync: cursor.State is null, cancellationToken);
        run.Run.Cursors.Advance(Resource, new CatalogCursor(entities.DistinctBy(e => e.Ref).ToDictionary(e => e.Ref, FingerprintOf), pages), firstETag);
    }

    private async Task WriteAsync(CatalogSnapshot snapshot, HashSet<string> changed, bool firstSync, CancellationToken cancellationToken)
    {
        if (changed.Count == 0)
        {
            return;
        }
        var now = run.Services.Now;
        var opened = firstSync ? run.Settings.HistoryStart ?? now : now;
        var lookups = run.Services.Lookups;
        IEnumerable<Entity> Changed(string kind) => snapshot.OfKind(kind).Where(e => changed.Contains(e.Ref));

        var written = 0L;
        written += await run.ImportAsync(new TeamsCsvFormat(), Changed("group").Select(Team).ToList(), cancellationToken);
        written += await run.ImportAsync(new PeopleCsvFormat(), Changed("user").Select(Person).ToList(), cancellationToken);
        var memberships = await lookups.MembershipRangesAsync(cancellationToken);
        written += await run.ImportAsync(new MembershipsCsvFormat(), Changed("user").SelectMany(u => Memberships(u, memberships, opened, now)).ToList(), cancellationToken);

        var templates = snapshot.OfKind("template").ToDictionary(t => t.Ref, StringComparer.Ordinal);
        written += await run.ImportAsync(new TemplatesCsvFormat(), Changed("template").Select(Template).ToList(), cancellationToken);

        var components = Changed("component").ToList();
        var services = new List<SourceRecord>();
        var withRepository = new List<Entity>();
        foreach (var component in components)
        {
            if (Repository(component) is { } repository)
            {
                services.Add(Service(component, repository));
                withRepository.Add(component);
            }
            else
            {
                run.Run.Warn($"{component.Ref}: no github.com/project-slug or gitlab.com/project-slug annotation, so it is not a service (no repository to read its changes from).");
            }
        }
        written += await run.ImportAsync(new ServicesCsvFormat(), services, cancellationToken);
        var ownerships = await lookups.OwnershipRangesAsync(cancellationToken);
        var groups = snapshot.OfKind("group").Select(g => g.Ref).ToHashSet(StringComparer.Ordinal);
        written += await run.ImportAsync(new OwnershipsCsvFormat(), withRepository.SelectMany(c => Ownership(c, groups, ownerships, opened, now)).ToList(), cancellationToken);
        var uses = await lookups.ServiceTemplateRangesAsync(cancellationToken);
        written += await run.ImportAsync(new ServiceTemplatesCsvFormat(), withRepository.SelectMany(c => TemplateUse(c, templates, uses, opened, now)).ToList(), cancellationToken);

        if (written > 0)
        {
            await run.Importer.SyncMirrorAsync(cancellationToken);
        }
    }

    private static SourceRecord Team(Entity group) => Record(group,
        ("slug", Key(group)), ("name", group.SpecText("profile", "displayName") ?? group.Metadata.Title ?? group.Metadata.Name));

    private static SourceRecord Person(Entity user) => Record(user,
        ("id", Key(user)), ("name", user.SpecText("profile", "displayName") ?? user.Metadata.Title ?? user.Metadata.Name),
        ("git_emails", user.SpecText("profile", "email")), ("github_logins", user.Annotation("github.com/user-login")));

    private SourceRecord Template(Entity template) => Record(template,
        ("slug", Key(template)), ("name", template.Metadata.Title ?? template.Metadata.Name), ("latest_version", VersionOf(template)),
        ("golden_path", (template.Metadata.Tags ?? []).Contains(run.Settings.GoldenPathTag, StringComparer.OrdinalIgnoreCase) ? "true" : "false"));

    private static SourceRecord Service(Entity component, string repository) => Record(component,
        ("slug", Key(component)), ("name", component.Metadata.Title ?? component.Metadata.Name), ("repository", repository));

    /// <summary>Ranges to write so the person's open memberships are the groups Backstage says: new ones opened, gone ones closed at <paramref name="now"/>.</summary>
    private static IEnumerable<SourceRecord> Memberships(Entity user, IReadOnlyList<MembershipEntry> stored, DateTimeOffset opened, DateTimeOffset now)
    {
        var person = Key(user);
        var wanted = GroupsOf(user).ToHashSet(StringComparer.Ordinal);
        var open = stored.Where(m => m.PersonId == person && m.ValidTo is null).ToList();
        foreach (var membership in open.Where(m => !wanted.Contains(m.Team) && m.ValidFrom < now))
        {
            yield return Record(user, ("person_id", person), ("team", membership.Team), ("valid_from", Format(membership.ValidFrom)), ("valid_to", Format(now)));
        }
        foreach (var team in wanted.Where(t => open.All(m => m.Team != t)).Order(StringComparer.Ordinal))
        {
            // A person who had no membership before starts at the history start on the first sync; a join later, now.
            yield return Record(user, ("person_id", person), ("team", team), ("valid_from", Format(stored.Any(m => m.PersonId == person) ? now : opened)));
        }
    }

    /// <summary>The team keys of the groups the user is a member of: the stitched <c>memberOf</c> relations, else <c>spec.memberOf</c>.</summary>
    private static IEnumerable<string> GroupsOf(Entity user)
    {
        var refs = user.Relations?.Where(r => r.Type == "memberOf").Select(r => r.TargetRef).OfType<string>().ToList() is { Count: > 0 } related ? related : user.SpecList("memberOf");
        return refs.Select(r => EntityRefs.Normalize(r, "group")).OfType<string>().Where(r => EntityRefs.Kind(r) == "group").Select(EntityRefs.Key).Distinct();
    }

    private IEnumerable<SourceRecord> Ownership(Entity component, HashSet<string> groups, IReadOnlyList<OwnershipEntry> stored, DateTimeOffset opened, DateTimeOffset now)
    {
        var service = Key(component);
        var owner = EntityRefs.Normalize(component.SpecText("owner"), "group");
        if (owner is null)
        {
            run.Problem($"{component.Ref}: spec.owner is required and empty");
            return [];
        }
        if (EntityRefs.Kind(owner) != "group")
        {
            run.Problem($"{component.Ref}: spec.owner '{owner}' is a {EntityRefs.Kind(owner)}, not a group: services are owned by teams (Groups)");
            return [];
        }
        if (!groups.Contains(owner))
        {
            run.Problem($"{component.Ref}: spec.owner '{owner}' is no Group in Backstage's catalog");
            return [];
        }
        return Ranges(component, ("service", service), ("team", EntityRefs.Key(owner)), [],
            stored.Where(o => o.Service == service).Select(o => (o.Team, o.ValidFrom, o.ValidTo, Extra: Array.Empty<(string, string?)>())), opened, now);
    }

    private IEnumerable<SourceRecord> TemplateUse(Entity component, IReadOnlyDictionary<string, Entity> templates, IReadOnlyList<ServiceTemplateEntry> stored, DateTimeOffset opened, DateTimeOffset now)
    {
        if (EntityRefs.Normalize(component.Annotation("backstage.io/source-template"), "template") is not { } reference)
        {
            return [];
        }
        var service = Key(component);
        var version = templates.TryGetValue(reference, out var template) ? VersionOf(template) : null;
        return Ranges(component, ("service", service), ("template", EntityRefs.Key(reference)), [("version", version)],
            stored.Where(u => u.Service == service).Select(u => (Team: u.Template, u.ValidFrom, u.ValidTo, Extra: new (string, string?)[] { ("version", u.Version) })), opened, now);
    }

    /// <summary>
    /// The history rule for a subject's one open range (a service's owner, its template): unchanged, nothing; changed,
    /// the open range closed at <paramref name="now"/> and a new one from it; none yet, one from <paramref name="opened"/>.
    /// </summary>
    private static IEnumerable<SourceRecord> Ranges(
        Entity entity, (string Field, string Value) subject, (string Field, string Value) value, (string, string?)[] extra,
        IEnumerable<(string Value, DateTimeOffset ValidFrom, DateTimeOffset? ValidTo, (string, string?)[] Extra)> stored, DateTimeOffset opened, DateTimeOffset now)
    {
        var ranges = stored.ToList();
        var open = ranges.FirstOrDefault(r => r.ValidTo is null);
        if (open.Value == value.Value)
        {
            yield break;
        }
        if (open.Value is not null)
        {
            if (open.ValidFrom >= now)
            {
                // Opened by this very instant's sync: give it the new value rather than an empty range.
                yield return Record(entity, [subject, value, ("valid_from", Format(open.ValidFrom)), .. extra]);
                yield break;
            }
            yield return Record(entity, [subject, (value.Field, open.Value), ("valid_from", Format(open.ValidFrom)), ("valid_to", Format(now)), .. open.Extra]);
        }
        var from = ranges.Count == 0 ? opened : now;
        yield return Record(entity, [subject, value, ("valid_from", Format(from)), .. extra]);
    }

    private string VersionOf(Entity template) => template.Annotation(run.Settings.TemplateVersionAnnotation) ?? "unversioned";

    /// <summary>A repository as owner/name from the component's GitHub or GitLab project slug.</summary>
    private static string? Repository(Entity component) =>
        component.Annotation("github.com/project-slug") ?? component.Annotation("gitlab.com/project-slug");

    private static string Key(Entity entity) => EntityRefs.Key(entity.Ref);

    /// <summary>
    /// What the catalog takes from the entity, hashed: an entity whose etag changed for something the catalog does not
    /// keep (a relation stitched in from another entity, a description) counts as unchanged.
    /// </summary>
    private string FingerprintOf(Entity entity)
    {
        string?[] values = entity.Kind.ToLowerInvariant() switch
        {
            "group" => [.. Team(entity).Fields.Values],
            "user" => [.. Person(entity).Fields.Values, .. GroupsOf(entity).Order(StringComparer.Ordinal)],
            "template" => [.. Template(entity).Fields.Values],
            _ => [Key(entity), entity.Metadata.Title, Repository(entity), EntityRefs.Normalize(entity.SpecText("owner"), "group"),
                EntityRefs.Normalize(entity.Annotation("backstage.io/source-template"), "template")],
        };
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(values))))[..32];
    }

    private static string Format(DateTimeOffset time) => IsoTime.Format(time);

    private static SourceRecord Record(Entity entity, params (string Field, string? Value)[] fields) =>
        new(entity.Ref, fields.ToDictionary(f => f.Field, f => f.Value, StringComparer.Ordinal));
}
