using Analytics.Storage.Catalog;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Ingestors.Demo;

/// <summary>
/// Adds a <see cref="DemoCatalog"/> to the EF Core catalog in one transaction. Entities are matched by their
/// natural keys (slug, external id, identity value); history ranges are only added alongside a new person or
/// service, so a repeat load, or one over hand-made entries with the same keys, never duplicates or rewrites history.
/// </summary>
internal static class DemoCatalogWriter
{
    public static async Task<IReadOnlyDictionary<string, int>> WriteAsync(
        IDbContextFactory<CatalogDbContext> factory, DemoCatalog demo, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        var teams = await db.Teams.ToDictionaryAsync(t => t.Slug, cancellationToken);
        var newTeams = AddMissing(demo.Teams, t => t.Slug, teams, t => db.Teams.Add(new Team { Slug = t.Slug, Name = t.Name }).Entity);

        var templates = await db.Templates.ToDictionaryAsync(t => t.Slug, cancellationToken);
        var newTemplates = AddMissing(demo.Templates, t => t.Slug, templates, t => db.Templates.Add(new Template
        {
            Slug = t.Slug, Name = t.Name, LatestVersion = t.LatestVersion, IsGoldenPath = t.IsGoldenPath,
        }).Entity);

        var people = await db.People.ToDictionaryAsync(p => p.ExternalId, cancellationToken);
        var takenIdentities = (await db.PersonIdentities.Select(i => new { i.Kind, i.Value }).ToListAsync(cancellationToken))
            .Select(i => (i.Kind, i.Value))
            .ToHashSet();
        var identitiesAdded = 0;
        var newPeople = AddMissing(demo.People, p => p.ExternalId, people, p =>
        {
            var person = db.People.Add(new Person { ExternalId = p.ExternalId, DisplayName = p.DisplayName, IsBot = p.IsBot }).Entity;
            foreach (var (kind, value) in new[] { (IdentityKind.GitEmail, p.GitEmail), (IdentityKind.GitHubLogin, p.GitHubLogin) })
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
        var newServices = AddMissing(demo.Services, s => s.Slug, services, s => db.Services.Add(new Service
        {
            Slug = s.Slug, Name = s.Name, Repository = s.Repository, CreatedAt = s.CreatedAt,
        }).Entity);

        var memberships = 0;
        foreach (var m in demo.Memberships.Where(m => newPeople.Contains(m.PersonExternalId)))
        {
            db.TeamMemberships.Add(new TeamMembership { Person = people[m.PersonExternalId], Team = teams[m.TeamSlug], ValidFrom = m.ValidFrom, ValidTo = m.ValidTo });
            memberships++;
        }

        var ownerships = 0;
        foreach (var o in demo.Ownerships.Where(o => newServices.Contains(o.ServiceSlug)))
        {
            db.ServiceOwnerships.Add(new ServiceOwnership { Service = services[o.ServiceSlug], Team = teams[o.TeamSlug], ValidFrom = o.ValidFrom, ValidTo = o.ValidTo });
            ownerships++;
        }

        var serviceTemplates = 0;
        foreach (var st in demo.ServiceTemplates.Where(st => newServices.Contains(st.ServiceSlug)))
        {
            db.ServiceTemplates.Add(new ServiceTemplate
            {
                Service = services[st.ServiceSlug], Template = templates[st.TemplateSlug], TemplateVersion = st.TemplateVersion,
                ValidFrom = st.ValidFrom, ValidTo = st.ValidTo,
            });
            serviceTemplates++;
        }

        var sourcesAdded = 0;
        if (!await db.Sources.AnyAsync(s => s.Name == Organisation.Source, cancellationToken))
        {
            db.Sources.Add(new Source { Name = Organisation.Source, Kind = Organisation.Source });
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
    private static HashSet<string> AddMissing<TDemo, TEntity>(
        IEnumerable<TDemo> items, Func<TDemo, string> key, Dictionary<string, TEntity> existing, Func<TDemo, TEntity> create)
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
