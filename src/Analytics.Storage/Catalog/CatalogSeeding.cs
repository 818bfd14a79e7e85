using Microsoft.EntityFrameworkCore;

namespace Analytics.Storage.Catalog;

/// <summary>
/// Adds a <see cref="CatalogSeed"/> to the catalog in one transaction. Entities are matched by their natural keys
/// (slug, external id, identity value); history ranges are only added alongside a new person or service, so a repeat
/// load, or one over hand-made entries with the same keys, never duplicates or rewrites history.
/// </summary>
/// <remarks>The ClickHouse mirror is not refreshed here: callers sync it (<see cref="CatalogMirrorSync"/>) afterwards.</remarks>
public sealed class CatalogSeeding(IDbContextFactory<CatalogDbContext> factory, TimeProvider clock)
{
    /// <summary>
    /// The catalog's mark of a store holding demo data: a source of this name and kind, registered when the demo
    /// is loaded (it stays, like the demo's rows, until the store is replaced).
    /// </summary>
    public const string DemoSource = "demo";

    /// <summary>What every page and every figure command says about a store holding demo data.</summary>
    public const string DemoNotice = "Demo data: this store holds the generated demo organisation, not your organisation's data.";

    /// <summary>Marks the store as holding demo data (idempotent).</summary>
    public async Task MarkDemoAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        if (!await db.Sources.AnyAsync(s => s.Name == DemoSource, cancellationToken))
        {
            db.Sources.Add(new Source { Name = DemoSource, Kind = DemoSource });
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>True when demo data was loaded into this store (<see cref="MarkDemoAsync"/>).</summary>
    public async Task<bool> IsDemoAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.Sources.AnyAsync(s => s.Name == DemoSource && s.Kind == DemoSource, cancellationToken);
    }

    /// <summary>Adds what the catalog lacks of <paramref name="seed"/>.</summary>
    /// <returns>New rows per entity set, e.g. "teams" → 12; zero each on a repeat.</returns>
    public async Task<IReadOnlyDictionary<string, int>> AddMissingAsync(CatalogSeed seed, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        var teams = await db.Teams.ToDictionaryAsync(t => t.Slug, cancellationToken);
        var newTeams = AddMissing(seed.Teams, t => t.Slug, teams, t => db.Teams.Add(new Team { Slug = t.Slug, Name = t.Name }).Entity);

        var templates = await db.Templates.ToDictionaryAsync(t => t.Slug, cancellationToken);
        var newTemplates = AddMissing(seed.Templates, t => t.Slug, templates, t => db.Templates.Add(new Template
        {
            Slug = t.Slug, Name = t.Name, LatestVersion = t.LatestVersion, IsGoldenPath = t.IsGoldenPath,
        }).Entity);

        var people = await db.People.ToDictionaryAsync(p => p.ExternalId, cancellationToken);
        var takenIdentities = (await db.PersonIdentities.Select(i => new { i.Kind, i.Value }).ToListAsync(cancellationToken))
            .Select(i => (i.Kind, i.Value))
            .ToHashSet();
        var identitiesAdded = 0;
        var newPeople = AddMissing(seed.People, p => p.Id, people, p =>
        {
            var person = db.People.Add(new Person { ExternalId = p.Id, DisplayName = p.Name, IsBot = p.IsBot }).Entity;
            foreach (var (kind, value) in p.Identities)
            {
                // An email or login already claimed by someone else stays theirs.
                if (takenIdentities.Add((kind, PersonIdentity.Normalize(value))))
                {
                    person.Identities.Add(new PersonIdentity { Kind = kind, Value = value });
                    identitiesAdded++;
                }
            }
            return person;
        });

        var services = await db.Services.ToDictionaryAsync(s => s.Slug, cancellationToken);
        var newServices = AddMissing(seed.Services, s => s.Slug, services, s => db.Services.Add(new Service
        {
            Slug = s.Slug, Name = s.Name, Repository = s.Repository, CreatedAt = s.CreatedAt ?? now,
            DefaultBranch = s.DefaultBranch.Length > 0 ? s.DefaultBranch : Service.DefaultBranchName,
        }).Entity);

        var memberships = 0;
        foreach (var m in seed.Memberships.Where(m => newPeople.Contains(m.PersonId)))
        {
            db.TeamMemberships.Add(new TeamMembership { Person = people[m.PersonId], Team = teams[m.Team], ValidFrom = m.ValidFrom, ValidTo = m.ValidTo });
            memberships++;
        }

        var ownerships = 0;
        foreach (var o in seed.Ownerships.Where(o => newServices.Contains(o.Service)))
        {
            db.ServiceOwnerships.Add(new ServiceOwnership { Service = services[o.Service], Team = teams[o.Team], ValidFrom = o.ValidFrom, ValidTo = o.ValidTo });
            ownerships++;
        }

        var serviceTemplates = 0;
        foreach (var st in seed.ServiceTemplates.Where(st => newServices.Contains(st.Service)))
        {
            db.ServiceTemplates.Add(new ServiceTemplate
            {
                Service = services[st.Service], Template = templates[st.Template], TemplateVersion = st.Version,
                ValidFrom = st.ValidFrom, ValidTo = st.ValidTo,
            });
            serviceTemplates++;
        }

        var sourcesAdded = 0;
        if (!await db.Sources.AnyAsync(s => s.Name == seed.SourceName, cancellationToken))
        {
            db.Sources.Add(new Source { Name = seed.SourceName, Kind = seed.SourceName });
            sourcesAdded = 1;
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        return new Dictionary<string, int>
        {
            ["teams"] = newTeams.Count,
            ["templates"] = newTemplates.Count,
            ["people"] = newPeople.Count,
            ["person_identities"] = identitiesAdded,
            ["services"] = newServices.Count,
            ["team_memberships"] = memberships,
            ["service_ownerships"] = ownerships,
            ["service_templates"] = serviceTemplates,
            ["sources"] = sourcesAdded,
        };
    }

    /// <summary>Creates the items whose key is not in <paramref name="existing"/>, adds them to it, and returns their keys.</summary>
    private static HashSet<string> AddMissing<TEntry, TEntity>(
        IEnumerable<TEntry> items, Func<TEntry, string> key, Dictionary<string, TEntity> existing, Func<TEntry, TEntity> create)
    {
        var added = new HashSet<string>();
        foreach (var item in items)
        {
            if (!existing.ContainsKey(key(item)))
            {
                existing[key(item)] = create(item);
                added.Add(key(item));
            }
        }
        return added;
    }
}
