using Microsoft.EntityFrameworkCore;

namespace Analytics.Storage.Catalog;

/// <summary>
/// Writes catalog entries over what is stored, matched by their natural keys (slug, external id, or the start of a
/// history range): what exists is updated, what does not is added, so writing the same entries again changes nothing.
/// Each call is one transaction. Checking the entries (known teams, overlapping ranges) is the caller's job.
/// </summary>
/// <remarks>The ClickHouse mirror is not refreshed here: callers sync it (<see cref="CatalogMirrorSync"/>) when they are done.</remarks>
public sealed class CatalogUpserts(IDbContextFactory<CatalogDbContext> contexts)
{
    /// <summary>Adds each team, or renames the team with its slug.</summary>
    public Task UpsertTeamsAsync(IReadOnlyList<TeamEntry> records, CancellationToken cancellationToken = default) => UpsertAsync(async db =>
    {
        var existing = await db.Teams.ToDictionaryAsync(t => t.Slug, cancellationToken);
        foreach (var record in records)
        {
            if (existing.TryGetValue(record.Slug, out var team))
            {
                team.Name = record.Name;
            }
            else
            {
                db.Teams.Add(new Team { Slug = record.Slug, Name = record.Name });
            }
        }
    }, cancellationToken);

    /// <summary>Adds each person, or updates their name and bot flag; adds the emails and logins they do not have yet.</summary>
    public Task UpsertPeopleAsync(IReadOnlyList<PersonEntry> records, CancellationToken cancellationToken = default) => UpsertAsync(async db =>
    {
        var people = await db.People.Include(p => p.Identities).ToDictionaryAsync(p => p.ExternalId, cancellationToken);
        foreach (var record in records)
        {
            if (!people.TryGetValue(record.Id, out var person))
            {
                person = db.People.Add(new Person { ExternalId = record.Id, DisplayName = record.Name }).Entity;
                people[record.Id] = person;
            }
            person.DisplayName = record.Name;
            person.IsBot = record.IsBot;
            // Identities are only added: dropping one would re-attribute that person's past commits to nobody.
            foreach (var (kind, value) in record.Identities)
            {
                var normalized = PersonIdentity.Normalize(value);
                if (!person.Identities.Any(i => i.Kind == kind && i.Value == normalized))
                {
                    person.Identities.Add(new PersonIdentity { Kind = kind, Value = normalized });
                }
            }
        }
    }, cancellationToken);

    /// <summary>Adds each membership, or moves the end of the one of that person and team starting at the same instant.</summary>
    public Task UpsertMembershipsAsync(IReadOnlyList<MembershipEntry> records, CancellationToken cancellationToken = default) => UpsertAsync(async db =>
    {
        var people = await db.People.ToDictionaryAsync(p => p.ExternalId, cancellationToken);
        var teams = await db.Teams.ToDictionaryAsync(t => t.Slug, cancellationToken);
        var existing = await db.TeamMemberships.Include(m => m.Person).Include(m => m.Team)
            .ToDictionaryAsync(m => (m.Person.ExternalId, m.Team.Slug, m.ValidFrom.UtcTicks), cancellationToken);
        foreach (var record in records)
        {
            if (existing.TryGetValue((record.PersonId, record.Team, record.ValidFrom.UtcTicks), out var membership))
            {
                membership.ValidTo = record.ValidTo;
            }
            else
            {
                db.TeamMemberships.Add(new TeamMembership { Person = people[record.PersonId], Team = teams[record.Team], ValidFrom = record.ValidFrom, ValidTo = record.ValidTo });
            }
        }
    }, cancellationToken);

    /// <summary>Adds each service, or updates it; an empty default branch or a missing creation time keeps the stored one (a new service is created <paramref name="now"/>).</summary>
    public Task UpsertServicesAsync(IReadOnlyList<ServiceEntry> records, DateTimeOffset now, CancellationToken cancellationToken = default) => UpsertAsync(async db =>
    {
        var existing = await db.Services.ToDictionaryAsync(s => s.Slug, cancellationToken);
        foreach (var record in records)
        {
            if (!existing.TryGetValue(record.Slug, out var service))
            {
                service = db.Services.Add(new Service { Slug = record.Slug, Name = record.Name, Repository = record.Repository, CreatedAt = record.CreatedAt ?? now }).Entity;
            }
            service.Name = record.Name;
            service.Repository = record.Repository;
            if (record.DefaultBranch.Length > 0)
            {
                service.DefaultBranch = record.DefaultBranch;
            }
            if (record.CreatedAt is { } createdAt)
            {
                service.CreatedAt = createdAt;
            }
            if (record.Paths.Count > 0)
            {
                service.Paths = [.. record.Paths];
            }
        }
    }, cancellationToken);

    /// <summary>Adds each ownership range, or gives the range of that service starting at the same instant to the entry's team and end.</summary>
    public Task UpsertOwnershipsAsync(IReadOnlyList<OwnershipEntry> records, CancellationToken cancellationToken = default) => UpsertAsync(async db =>
    {
        var services = await db.Services.ToDictionaryAsync(s => s.Slug, cancellationToken);
        var teams = await db.Teams.ToDictionaryAsync(t => t.Slug, cancellationToken);
        var existing = await db.ServiceOwnerships.Include(o => o.Service).ToDictionaryAsync(o => (o.Service.Slug, o.ValidFrom.UtcTicks), cancellationToken);
        foreach (var record in records.Where(r => existing.ContainsKey((r.Service, r.ValidFrom.UtcTicks))))
        {
            var ownership = existing[(record.Service, record.ValidFrom.UtcTicks)];
            ownership.Team = teams[record.Team];
            ownership.ValidTo = record.ValidTo;
        }
        // Closing ranges are saved before new ones are added: the catalog allows one open range per service.
        await db.SaveChangesAsync(cancellationToken);
        foreach (var record in records.Where(r => !existing.ContainsKey((r.Service, r.ValidFrom.UtcTicks))))
        {
            db.ServiceOwnerships.Add(new ServiceOwnership { Service = services[record.Service], Team = teams[record.Team], ValidFrom = record.ValidFrom, ValidTo = record.ValidTo });
        }
    }, cancellationToken);

    /// <summary>Adds each template, or updates its name, latest version and golden-path flag.</summary>
    public Task UpsertTemplatesAsync(IReadOnlyList<TemplateEntry> records, CancellationToken cancellationToken = default) => UpsertAsync(async db =>
    {
        var existing = await db.Templates.ToDictionaryAsync(t => t.Slug, cancellationToken);
        foreach (var record in records)
        {
            if (!existing.TryGetValue(record.Slug, out var template))
            {
                template = db.Templates.Add(new Template { Slug = record.Slug, Name = record.Name, LatestVersion = record.LatestVersion }).Entity;
            }
            template.Name = record.Name;
            template.LatestVersion = record.LatestVersion;
            template.IsGoldenPath = record.IsGoldenPath;
        }
    }, cancellationToken);

    /// <summary>Adds each template use, or updates the one of that service starting at the same instant.</summary>
    public Task UpsertServiceTemplatesAsync(IReadOnlyList<ServiceTemplateEntry> records, CancellationToken cancellationToken = default) => UpsertAsync(async db =>
    {
        var services = await db.Services.ToDictionaryAsync(s => s.Slug, cancellationToken);
        var templates = await db.Templates.ToDictionaryAsync(t => t.Slug, cancellationToken);
        var existing = await db.ServiceTemplates.Include(st => st.Service).ToDictionaryAsync(st => (st.Service.Slug, st.ValidFrom.UtcTicks), cancellationToken);
        foreach (var record in records)
        {
            if (existing.TryGetValue((record.Service, record.ValidFrom.UtcTicks), out var use))
            {
                use.Template = templates[record.Template];
                use.TemplateVersion = record.Version;
                use.ValidTo = record.ValidTo;
            }
            else
            {
                db.ServiceTemplates.Add(new ServiceTemplate
                {
                    Service = services[record.Service], Template = templates[record.Template], TemplateVersion = record.Version,
                    ValidFrom = record.ValidFrom, ValidTo = record.ValidTo,
                });
            }
        }
    }, cancellationToken);

    private async Task UpsertAsync(Func<CatalogDbContext, Task> upsert, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await upsert(db);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
