using Analytics.Core.Dora;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Storage.Catalog;

/// <summary>
/// Sets the paths a service owns in the repository it shares with other services (a monorepo), from the admin page:
/// checked and normalised by <see cref="ServicePaths"/> (a refused edit throws <see cref="ArgumentException"/> with
/// the reason and changes nothing), saved, and mirrored to catalog_services. Relinking the repository's deployments
/// is the caller's (the deployment linker lives with the ingestors).
/// </summary>
public sealed class ServicePathsEditor(IDbContextFactory<CatalogDbContext> contexts, CatalogMirrorSync mirror)
{
    /// <summary>Replaces the service's paths (none: it owns its whole repository); returns the services sharing its repository, itself included.</summary>
    public async Task<IReadOnlyList<string>> SaveAsync(string serviceSlug, IEnumerable<string> paths, CancellationToken cancellationToken = default)
    {
        var (normalised, problem) = ServicePaths.Normalise(paths);
        if (problem is not null)
        {
            throw new ArgumentException(problem);
        }
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            var service = await db.Services.SingleOrDefaultAsync(s => s.Slug == serviceSlug, cancellationToken)
                ?? throw new ArgumentException($"There is no service '{serviceSlug}'.");
            service.Paths = [.. normalised];
            await db.SaveChangesAsync(cancellationToken);
            await mirror.SyncAsync(cancellationToken);
            return await db.Services.Where(s => s.Repository == service.Repository).OrderBy(s => s.Slug).Select(s => s.Slug).ToListAsync(cancellationToken);
        }
    }
}
