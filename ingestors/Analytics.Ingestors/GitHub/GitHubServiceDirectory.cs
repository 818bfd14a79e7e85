using System.Text;
using Analytics.Storage.Catalog;

namespace Analytics.Ingestors.GitHub;

/// <summary>A repository to read, as the catalog knows it.</summary>
/// <param name="FullName">"owner/name" as GitHub spells it (for its API addresses).</param>
/// <param name="Repository">"owner/name" as the catalog spells it: the rows' repository, so joins on the catalog match.</param>
/// <param name="Service">The catalog's service built from it: the deployments' and incidents' service.</param>
public sealed record GitHubRepositoryTarget(string FullName, string Repository, string DefaultBranch, string Service);

/// <summary>
/// The catalog's service of each repository (the first by slug when several share one, as the
/// <c>attributed_pull_requests</c> view decides). A repository without one is registered as a service without an
/// owner — as the git ingestor does — so its deployments and incidents count for "unassigned" until a team is
/// given it, rather than being dropped.
/// </summary>
public sealed class GitHubServiceDirectory(ServiceCatalog catalog, CatalogMirrorSync mirror, TimeProvider clock)
{
    public async Task<IReadOnlyList<GitHubRepositoryTarget>> EnsureServicesAsync(
        IReadOnlyList<(string FullName, string DefaultBranch)> repositories, CancellationToken cancellationToken)
    {
        var services = await catalog.ListAsync(cancellationToken);
        var byRepository = new Dictionary<string, (string Slug, string Repository)>(StringComparer.OrdinalIgnoreCase);
        foreach (var service in services)
        {
            byRepository.TryAdd(service.Repository, (service.Slug, service.Repository));
        }
        var slugs = services.Select(s => s.Slug).ToHashSet(StringComparer.Ordinal);

        var targets = new List<GitHubRepositoryTarget>();
        var registered = new List<Service>();
        foreach (var (fullName, defaultBranch) in repositories)
        {
            if (!byRepository.TryGetValue(fullName, out var known))
            {
                var slug = FreeSlug(fullName, slugs);
                registered.Add(new Service
                {
                    Slug = slug,
                    Name = fullName.Split('/')[^1],
                    Repository = fullName,
                    DefaultBranch = defaultBranch,
                    CreatedAt = clock.GetUtcNow(),
                });
                slugs.Add(slug);
                known = (slug, fullName);
                byRepository[fullName] = known;
            }
            targets.Add(new GitHubRepositoryTarget(fullName, known.Repository, defaultBranch, known.Slug));
        }
        if (registered.Count > 0)
        {
            await catalog.AddAsync(registered, cancellationToken);
            // The metric views see services through the mirror: without this, the new services' pull requests
            // would count for no service until the next start-up.
            await mirror.SyncAsync(cancellationToken);
        }
        return targets;
    }

    /// <summary>"shop" for acme/shop; "acme-shop" if "shop" is taken by another repository's service; then "acme-shop-2"….</summary>
    internal static string FreeSlug(string fullName, IReadOnlySet<string> taken)
    {
        var name = Slugify(fullName.Split('/')[^1]);
        if (!taken.Contains(name))
        {
            return name;
        }
        var qualified = Slugify(fullName.Replace('/', '-'));
        var candidate = qualified;
        for (var n = 2; taken.Contains(candidate); n++)
        {
            candidate = $"{qualified}-{n}";
        }
        return candidate;
    }

    private static string Slugify(string text)
    {
        var slug = new StringBuilder();
        foreach (var ch in text.ToLowerInvariant())
        {
            slug.Append(char.IsAsciiLetterOrDigit(ch) ? ch : '-');
        }
        var result = slug.ToString().Trim('-');
        return result.Length == 0 ? "repository" : result;
    }
}
