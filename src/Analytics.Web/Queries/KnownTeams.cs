using Analytics.Storage.Catalog;

namespace Analytics.Web.Queries;

public static class KnownTeams
{
    /// <summary>A catalog team, or "unassigned" (services without an owner at the time).</summary>
    public static async Task<bool> IsKnownTeamAsync(this CatalogLookups catalog, string team, CancellationToken cancellationToken = default) =>
        team == Analytics.Core.Dora.TeamAttribution.Unassigned || (await catalog.TeamSlugsAsync(cancellationToken)).Contains(team, StringComparer.Ordinal);
}
