using Microsoft.EntityFrameworkCore;

namespace Analytics.Storage.Catalog;

/// <summary>
/// Questions to the catalog: its teams, people, services and templates, who owned a service or which team a person was in at a time, whose an email
/// or login is. Each call uses its own short-lived <see cref="CatalogDbContext"/>, so one instance is safe to share
/// as a singleton.
/// </summary>
/// <remarks>Time ranges are half-open: [ValidFrom, ValidTo), and ValidTo null means "still valid".</remarks>
public sealed class CatalogLookups(IDbContextFactory<CatalogDbContext> contextFactory)
{
    /// <summary>Every team's slug, in order.</summary>
    public async Task<IReadOnlyList<string>> TeamSlugsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.Teams.OrderBy(t => t.Slug).Select(t => t.Slug).ToListAsync(cancellationToken);
    }

    /// <summary>The slug of the team that owned the service at <paramref name="at"/>, or null if none did.</summary>
    public async Task<string?> OwnerOfAsync(string serviceSlug, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.ServiceOwnerships
            .Where(o => o.Service.Slug == serviceSlug && o.ValidFrom <= at && (o.ValidTo == null || o.ValidTo > at))
            .OrderByDescending(o => o.ValidFrom)
            .Select(o => o.Team.Slug)
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// The slug of the person's team at <paramref name="at"/>, or null. If memberships overlap
    /// (someone joining a new team before leaving the old), the most recently joined team wins.
    /// </summary>
    public async Task<string?> TeamOfAsync(string personExternalId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.TeamMemberships
            .Where(m => m.Person.ExternalId == personExternalId && m.ValidFrom <= at && (m.ValidTo == null || m.ValidTo > at))
            .OrderByDescending(m => m.ValidFrom)
            .ThenByDescending(m => m.Id)
            .Select(m => m.Team.Slug)
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>The person an email or login belongs to, ignoring case and surrounding whitespace; null if unknown.</summary>
    public async Task<Person?> ResolvePersonAsync(IdentityKind kind, string value, CancellationToken cancellationToken = default)
    {
        var normalized = PersonIdentity.Normalize(value);
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.PersonIdentities
            .AsNoTracking()
            .Where(i => i.Kind == kind && i.Value == normalized)
            .Select(i => i.Person)
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>Every person's external id.</summary>
    public Task<HashSet<string>> PersonIdsAsync(CancellationToken cancellationToken = default) =>
        KeysAsync(db => db.People.Select(p => p.ExternalId), cancellationToken);

    /// <summary>Every service's slug.</summary>
    public Task<HashSet<string>> ServiceSlugsAsync(CancellationToken cancellationToken = default) =>
        KeysAsync(db => db.Services.Select(s => s.Slug), cancellationToken);

    /// <summary>Every repository a catalog service is built from.</summary>
    public Task<HashSet<string>> RepositoriesAsync(CancellationToken cancellationToken = default) =>
        KeysAsync(db => db.Services.Where(s => s.Repository != "").Select(s => s.Repository), cancellationToken);

    /// <summary>The slugs of the services built from any of <paramref name="repositories"/> (whose deployments their commits can reach).</summary>
    public async Task<HashSet<string>> ServicesOfRepositoriesAsync(IReadOnlyCollection<string> repositories, CancellationToken cancellationToken = default)
    {
        if (repositories.Count == 0)
        {
            return [];
        }
        var wanted = repositories.ToList();
        return await KeysAsync(db => db.Services.Where(s => wanted.Contains(s.Repository)).Select(s => s.Slug), cancellationToken);
    }

    /// <summary>Every template's slug.</summary>
    public Task<HashSet<string>> TemplateSlugsAsync(CancellationToken cancellationToken = default) =>
        KeysAsync(db => db.Templates.Select(t => t.Slug), cancellationToken);

    /// <summary>Who each stored email and login (normalised) belongs to: the person's external id.</summary>
    public async Task<Dictionary<(IdentityKind Kind, string Value), string>> IdentityOwnersAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return (await db.PersonIdentities.Select(i => new { i.Kind, i.Value, i.Person.ExternalId }).ToListAsync(cancellationToken))
            .ToDictionary(i => (i.Kind, i.Value), i => i.ExternalId);
    }

    /// <summary>Every stored ownership range.</summary>
    public async Task<IReadOnlyList<OwnershipEntry>> OwnershipRangesAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.ServiceOwnerships.Select(o => new OwnershipEntry(o.Service.Slug, o.Team.Slug, o.ValidFrom, o.ValidTo)).ToListAsync(cancellationToken);
    }

    /// <summary>Every stored membership range.</summary>
    public async Task<IReadOnlyList<MembershipEntry>> MembershipRangesAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.TeamMemberships.Select(m => new MembershipEntry(m.Person.ExternalId, m.Team.Slug, m.ValidFrom, m.ValidTo)).ToListAsync(cancellationToken);
    }

    /// <summary>Every stored range of a service on a template version.</summary>
    public async Task<IReadOnlyList<ServiceTemplateEntry>> ServiceTemplateRangesAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.ServiceTemplates
            .Select(st => new ServiceTemplateEntry(st.Service.Slug, st.Template.Slug, st.TemplateVersion, st.ValidFrom, st.ValidTo))
            .ToListAsync(cancellationToken);
    }

    private async Task<HashSet<string>> KeysAsync(Func<CatalogDbContext, IQueryable<string>> query, CancellationToken cancellationToken)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return (await query(db).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
    }
}
