using Microsoft.EntityFrameworkCore;

namespace Analytics.Storage.Catalog;

/// <summary>Reads what the ClickHouse mirror tables hold from the catalog, for <see cref="CatalogMirrorSync"/>.</summary>
public sealed class CatalogMirrorExport(IDbContextFactory<CatalogDbContext> contextFactory)
{
    /// <summary>
    /// A consistent snapshot of everything the ClickHouse mirror tables hold, sorted by each
    /// table's ORDER BY key. Only production environment rules are exported.
    /// </summary>
    public async Task<CatalogMirror> ExportMirrorAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        // One read transaction, so a concurrent reassignment cannot appear in one table but not another.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        var ownership = await db.ServiceOwnerships
            .OrderBy(o => o.Service.Slug).ThenBy(o => o.ValidFrom)
            .Select(o => new ServiceOwnershipMirrorRow(o.Service.Slug, o.Team.Slug, o.ValidFrom, o.ValidTo))
            .ToListAsync(cancellationToken);

        var membership = await db.TeamMemberships
            .OrderBy(m => m.Team.Slug).ThenBy(m => m.Person.ExternalId).ThenBy(m => m.ValidFrom)
            .Select(m => new TeamMembershipMirrorRow(m.Person.ExternalId, m.Team.Slug, m.ValidFrom, m.ValidTo))
            .ToListAsync(cancellationToken);

        var identities = await db.PersonIdentities
            .OrderBy(i => i.Kind).ThenBy(i => i.Value)
            .Select(i => new { i.Person.ExternalId, i.Kind, i.Value, i.Person.IsBot })
            .ToListAsync(cancellationToken);

        var templates = await db.ServiceTemplates
            .OrderBy(st => st.Service.Slug).ThenBy(st => st.ValidFrom)
            .Select(st => new ServiceTemplateMirrorRow(st.Service.Slug, st.Template.Slug, st.TemplateVersion, st.ValidFrom, st.ValidTo))
            .ToListAsync(cancellationToken);

        var services = await db.Services
            .OrderBy(s => s.Slug)
            .Select(s => new ServiceMirrorRow(s.Slug, s.Repository, s.DefaultBranch, s.Paths))
            .ToListAsync(cancellationToken);

        var templateCatalog = await db.Templates
            .OrderBy(t => t.Slug)
            .Select(t => new TemplateMirrorRow(t.Slug, t.LatestVersion, t.IsGoldenPath))
            .ToListAsync(cancellationToken);

        var productionEnvironments = await db.EnvironmentRules
            .OrderBy(r => r.Source).ThenBy(r => r.Pattern)
            .Select(r => new ProductionEnvironmentMirrorRow(r.Source, r.Pattern, r.IsProduction))
            .ToListAsync(cancellationToken);

        return new CatalogMirror(
            ownership,
            membership,
            identities.Select(i => new IdentityMirrorRow(i.ExternalId, IdentityMirrorRow.KindName(i.Kind), i.Value, i.IsBot)).ToList(),
            templates,
            productionEnvironments,
            services,
            templateCatalog);
    }
}
