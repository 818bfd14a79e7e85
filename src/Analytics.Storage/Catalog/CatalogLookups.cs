using Microsoft.EntityFrameworkCore;

namespace Analytics.Storage.Catalog;

/// <summary>
/// Questions to the catalog: its teams, who owned a service or which team a person was in at a time, whose an email
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
}
