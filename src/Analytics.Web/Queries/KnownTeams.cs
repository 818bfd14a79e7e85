using Analytics.Storage.Catalog;

namespace Analytics.Web.Queries;

public static class KnownTeams
{
    /// <summary>A catalog team, or "unassigned" (services without an owner at the time).</summary>
    public static async Task<bool> IsKnownTeamAsync(this CatalogLookups catalog, string team, CancellationToken cancellationToken = default) =>
        team == Analytics.Core.Dora.TeamAttribution.Unassigned || (await catalog.TeamSlugsAsync(cancellationToken)).Contains(team, StringComparer.Ordinal);

    /// <summary>A catalog team, service or repository (as <paramref name="by"/> says), or "unassigned".</summary>
    public static async Task<bool> IsKnownUnitAsync(this CatalogLookups catalog, Analytics.Core.Dora.DoraBreakdown by, string unit, CancellationToken cancellationToken = default) => by switch
    {
        Analytics.Core.Dora.DoraBreakdown.Service => unit == Analytics.Core.Dora.TeamAttribution.Unassigned || (await catalog.ServiceSlugsAsync(cancellationToken)).Contains(unit),
        Analytics.Core.Dora.DoraBreakdown.Repository => unit == Analytics.Core.Dora.TeamAttribution.Unassigned || (await catalog.RepositoriesAsync(cancellationToken)).Contains(unit),
        _ => await catalog.IsKnownTeamAsync(unit, cancellationToken),
    };
}
