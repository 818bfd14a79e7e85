using Analytics.Storage.Catalog;

namespace Analytics.Ingestors.Demo;

/// <summary>
/// Adds a <see cref="DemoCatalog"/> to the catalog as a <see cref="CatalogSeed"/>: what exists (by slug, external id,
/// identity value) is kept, so a repeat load, or one over hand-made entries with the same keys, never duplicates or
/// rewrites history.
/// </summary>
internal static class DemoCatalogWriter
{
    public static Task<IReadOnlyDictionary<string, int>> WriteAsync(CatalogSeeding catalog, DemoCatalog demo, CancellationToken cancellationToken) =>
        catalog.AddMissingAsync(ToSeed(demo), cancellationToken);

    internal static CatalogSeed ToSeed(DemoCatalog demo) => new(
        demo.Teams.Select(t => new TeamEntry(t.Slug, t.Name)).ToList(),
        demo.Templates.Select(t => new TemplateEntry(t.Slug, t.Name, t.LatestVersion, t.IsGoldenPath)).ToList(),
        demo.People.Select(p => new PersonEntry(p.ExternalId, p.DisplayName, [p.GitEmail], [p.GitHubLogin], p.IsBot)).ToList(),
        demo.Services.Select(s => new ServiceEntry(s.Slug, s.Name, s.Repository, DefaultBranch: "", s.CreatedAt, Paths: [])).ToList(),
        demo.Memberships.Select(m => new MembershipEntry(m.PersonExternalId, m.TeamSlug, m.ValidFrom, m.ValidTo)).ToList(),
        demo.Ownerships.Select(o => new OwnershipEntry(o.ServiceSlug, o.TeamSlug, o.ValidFrom, o.ValidTo)).ToList(),
        demo.ServiceTemplates.Select(st => new ServiceTemplateEntry(st.ServiceSlug, st.TemplateSlug, st.TemplateVersion, st.ValidFrom, st.ValidTo)).ToList(),
        Organisation.Source);
}
