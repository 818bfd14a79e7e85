namespace Analytics.Storage.Catalog;

// The catalog's entities as plain records keyed by their natural keys (slugs, external ids, range starts), as imports
// and generators hand them over: CatalogUpserts writes them over what is stored, CatalogSeeding adds the missing ones.
// Ranges are half-open [ValidFrom, ValidTo); ValidTo null means "still valid".

public sealed record TeamEntry(string Slug, string Name);

public sealed record PersonEntry(string Id, string Name, IReadOnlyList<string> GitEmails, IReadOnlyList<string> GitHubLogins, bool IsBot)
{
    /// <summary>The person's emails, then logins, as given (not normalised).</summary>
    public IEnumerable<(IdentityKind Kind, string Value)> Identities =>
        GitEmails.Select(e => (IdentityKind.GitEmail, e)).Concat(GitHubLogins.Select(l => (IdentityKind.GitHubLogin, l)));
}

public sealed record MembershipEntry(string PersonId, string Team, DateTimeOffset ValidFrom, DateTimeOffset? ValidTo);

/// <param name="DefaultBranch">Empty: keep the stored one (or the default for a new service).</param>
/// <param name="CreatedAt">Null: keep the stored one (or now for a new service).</param>
/// <param name="Paths">The paths of a shared repository the service owns (ServicePaths); empty leaves them as they are.</param>
public sealed record ServiceEntry(string Slug, string Name, string Repository, string DefaultBranch, DateTimeOffset? CreatedAt, IReadOnlyList<string> Paths);

public sealed record OwnershipEntry(string Service, string Team, DateTimeOffset ValidFrom, DateTimeOffset? ValidTo);

public sealed record TemplateEntry(string Slug, string Name, string LatestVersion, bool IsGoldenPath);

public sealed record ServiceTemplateEntry(string Service, string Template, string Version, DateTimeOffset ValidFrom, DateTimeOffset? ValidTo);

/// <summary>A whole organisation's catalog, e.g. the demo's, and the source its events come from.</summary>
public sealed record CatalogSeed(
    IReadOnlyList<TeamEntry> Teams,
    IReadOnlyList<TemplateEntry> Templates,
    IReadOnlyList<PersonEntry> People,
    IReadOnlyList<ServiceEntry> Services,
    IReadOnlyList<MembershipEntry> Memberships,
    IReadOnlyList<OwnershipEntry> Ownerships,
    IReadOnlyList<ServiceTemplateEntry> ServiceTemplates,
    string SourceName);
