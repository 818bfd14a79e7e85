using Microsoft.EntityFrameworkCore;

namespace Analytics.Storage.Catalog;

/// <summary>What the admin page shows of the catalog: teams, services with their ownership history, people, rules.</summary>
public sealed class CatalogAdminQueries(IDbContextFactory<CatalogDbContext> contextFactory, TimeProvider clock)
{
    public async Task<CatalogAdminView> LoadAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var members = await db.TeamMemberships.AsNoTracking()
            .Where(m => m.ValidFrom <= now && (m.ValidTo == null || m.ValidTo > now))
            .GroupBy(m => m.Team.Slug)
            .Select(g => new { Team = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Team, g => g.Count, cancellationToken);
        var teams = (await db.Teams.AsNoTracking().OrderBy(t => t.Slug).Select(t => new { t.Slug, t.Name }).ToListAsync(cancellationToken))
            .Select(t => new TeamAdminRow(t.Slug, t.Name, members.GetValueOrDefault(t.Slug)))
            .ToList();
        var ownership = await db.ServiceOwnerships.AsNoTracking()
            .OrderBy(o => o.Service.Slug).ThenBy(o => o.ValidFrom)
            .Select(o => new OwnershipAdminRow(o.Service.Slug, o.Team.Slug, o.ValidFrom, o.ValidTo))
            .ToListAsync(cancellationToken);
        var services = (await db.Services.AsNoTracking().OrderBy(s => s.Slug).Select(s => new { s.Slug, s.Repository, s.Paths }).ToListAsync(cancellationToken))
            .Select(s => new ServiceAdminRow(s.Slug, s.Repository,
                ownership.LastOrDefault(o => o.Service == s.Slug && o.ValidFrom <= now && (o.ValidTo is null || o.ValidTo > now))?.Team, s.Paths))
            .ToList();
        var people = await db.TeamMemberships.AsNoTracking()
            .OrderBy(m => m.Person.ExternalId).ThenBy(m => m.ValidFrom)
            .Select(m => new MembershipAdminRow(m.Person.ExternalId, m.Person.DisplayName, m.Team.Slug, m.ValidFrom, m.ValidTo))
            .ToListAsync(cancellationToken);
        var rules = await db.EnvironmentRules.AsNoTracking()
            .OrderBy(r => r.Source).ThenBy(r => r.Pattern)
            .Select(r => new EnvironmentRuleAdminRow(r.Source, r.Pattern, r.IsProduction))
            .ToListAsync(cancellationToken);
        var ids = await db.People.AsNoTracking().OrderBy(p => p.ExternalId).Select(p => p.ExternalId).ToListAsync(cancellationToken);
        return new CatalogAdminView(teams, services, ownership, people, rules, ids);
    }
}

public sealed record CatalogAdminView(
    IReadOnlyList<TeamAdminRow> Teams,
    IReadOnlyList<ServiceAdminRow> Services,
    IReadOnlyList<OwnershipAdminRow> Ownership,
    IReadOnlyList<MembershipAdminRow> Memberships,
    IReadOnlyList<EnvironmentRuleAdminRow> EnvironmentRules,
    IReadOnlyList<string> People);

public sealed record TeamAdminRow(string Slug, string Name, int CurrentMembers);

/// <summary>CurrentOwner null: nobody owns the service now (its events count as "unassigned").</summary>
/// <param name="Paths">The paths of a shared repository the service owns; empty = all of it.</param>
public sealed record ServiceAdminRow(string Slug, string Repository, string? CurrentOwner, IReadOnlyList<string> Paths);

public sealed record OwnershipAdminRow(string Service, string Team, DateTimeOffset ValidFrom, DateTimeOffset? ValidTo);

public sealed record MembershipAdminRow(string PersonId, string DisplayName, string Team, DateTimeOffset ValidFrom, DateTimeOffset? ValidTo);

public sealed record EnvironmentRuleAdminRow(string Source, string Pattern, bool IsProduction);
