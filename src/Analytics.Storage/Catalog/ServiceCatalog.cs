using Microsoft.EntityFrameworkCore;

namespace Analytics.Storage.Catalog;

/// <summary>
/// The catalog's services as the ingestors meet them: found by slug, listed, and registered when a repository has
/// none yet. Each call uses its own short-lived <see cref="CatalogDbContext"/>, so one instance is safe to share.
/// </summary>
/// <remarks>The ClickHouse mirror is not refreshed here: callers sync it (<see cref="CatalogMirrorSync"/>) when they need to.</remarks>
public sealed class ServiceCatalog(IDbContextFactory<CatalogDbContext> contexts)
{
    /// <summary>The service with this slug, or null.</summary>
    public async Task<Service?> FindAsync(string slug, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Services.AsNoTracking().SingleOrDefaultAsync(s => s.Slug == slug, cancellationToken);
    }

    /// <summary>Every service, by slug.</summary>
    public async Task<IReadOnlyList<Service>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Services.AsNoTracking().OrderBy(s => s.Slug).ToListAsync(cancellationToken);
    }

    /// <summary>Adds new services (without owners) in one save.</summary>
    public async Task AddAsync(IReadOnlyCollection<Service> services, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Services.AddRange(services);
        await db.SaveChangesAsync(cancellationToken);
    }
}
