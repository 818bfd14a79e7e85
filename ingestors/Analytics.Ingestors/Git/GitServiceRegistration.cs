using Analytics.Storage.Catalog;
using LibGit2Sharp;

namespace Analytics.Ingestors.Git;

/// <summary>The catalog's service a clone is ingested for.</summary>
/// <param name="Registered">True if this call added it to the catalog.</param>
public sealed record GitServiceTarget(string Service, string Repository, string DefaultBranch, bool Registered);

/// <summary>
/// Finds the service a clone belongs to in the catalog, or registers it: repository from the command line, else
/// the clone's origin remote, else "local/&lt;folder&gt;"; default branch = the branch the clone has checked out.
/// A new service has no owner, so its events count for "unassigned" until a team is given it.
/// </summary>
public sealed class GitServiceRegistration(ServiceCatalog services, TimeProvider clock)
{
    /// <exception cref="InvalidOperationException">
    /// The service exists with another repository: ingesting under a second name would split its history.
    /// </exception>
    /// <exception cref="RepositoryNotFoundException">No git repository at or above <paramref name="clonePath"/>.</exception>
    public async Task<GitServiceTarget> EnsureServiceAsync(string serviceSlug, string clonePath, string? repository, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceSlug);
        var existing = await services.FindAsync(serviceSlug, cancellationToken);
        if (existing is not null)
        {
            if (repository is not null && repository != existing.Repository)
            {
                throw new InvalidOperationException(
                    $"Service '{serviceSlug}' is registered with repository '{existing.Repository}', not '{repository}'. Omit --repository or pass '{existing.Repository}'.");
            }
            return new GitServiceTarget(existing.Slug, existing.Repository, existing.DefaultBranch, Registered: false);
        }

        var clone = Describe(clonePath);
        var service = new Service
        {
            Slug = serviceSlug,
            Name = serviceSlug,
            Repository = repository ?? clone.OriginRepository ?? $"local/{clone.FolderName}",
            DefaultBranch = clone.CheckedOutBranch ?? Service.DefaultBranchName,
            CreatedAt = clock.GetUtcNow(),
        };
        await services.AddAsync([service], cancellationToken);
        return new GitServiceTarget(service.Slug, service.Repository, service.DefaultBranch, Registered: true);
    }

    private static (string? OriginRepository, string? CheckedOutBranch, string FolderName) Describe(string clonePath)
    {
        using var repo = new Repository(GitClone.Locate(clonePath));
        var origin = GitRemotes.RepositoryName(repo.Network.Remotes["origin"]?.Url);
        var branch = repo.Info.IsHeadDetached ? null : repo.Head.FriendlyName;
        // The work tree's folder ("shop" for shop/.git); a bare repository's folder without ".git" ("shop.git").
        var folder = Path.GetFileName(Path.TrimEndingDirectorySeparator(repo.Info.WorkingDirectory ?? repo.Info.Path));
        return (origin, branch, folder.EndsWith(".git", StringComparison.OrdinalIgnoreCase) ? folder[..^4] : folder);
    }
}

internal static class GitClone
{
    /// <summary>The repository at or above <paramref name="path"/> (a work tree, a sub-folder of one, or a bare repository).</summary>
    public static string Locate(string path) =>
        Repository.Discover(Path.GetFullPath(path)) ?? throw new RepositoryNotFoundException($"No git repository at or above '{path}'.");
}
