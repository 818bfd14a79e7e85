using Analytics.Storage.ClickHouse;

namespace Analytics.Storage.Catalog;

/// <summary>
/// Copies the catalog (SQLite, the source of truth) into its read-only ClickHouse mirror tables, so metric SQL
/// can attribute events to teams at the event's time. Each table is replaced whole; the catalog is small.
/// Run after every catalog change and at start-up.
/// </summary>
/// <remarks>
/// Each table is built beside the live one, in a staging table of its own (<c>&lt;table&gt;__next_&lt;random&gt;</c>),
/// and swapped in with <c>EXCHANGE TABLES</c>: a reader in any process sees the old rows or the new ones, never an
/// empty table, and a crash mid-way leaves the last complete copy. Two processes syncing at once each swap in a
/// complete copy of the catalog; the later one stays.
/// </remarks>
public sealed class CatalogMirrorSync(CatalogMirrorExport catalog, IClickHouseStore store)
{
    public async Task SyncAsync(CancellationToken cancellationToken = default)
    {
        var mirror = await catalog.ExportMirrorAsync(cancellationToken);
        await ReplaceAsync(ServiceOwnershipMirrorRow.TableName, ["service", "team", "valid_from", "valid_to"],
            mirror.ServiceOwnership.Select(row => new object?[] { row.Service, row.Team, row.ValidFrom, row.ValidTo }), cancellationToken);
        await ReplaceAsync(TeamMembershipMirrorRow.TableName, ["person_id", "team", "valid_from", "valid_to"],
            mirror.TeamMembership.Select(row => new object?[] { row.PersonId, row.Team, row.ValidFrom, row.ValidTo }), cancellationToken);
        await ReplaceAsync(IdentityMirrorRow.TableName, ["person_id", "kind", "value", "is_bot"],
            mirror.Identities.Select(row => new object?[] { row.PersonId, row.Kind, row.Value, row.IsBot }), cancellationToken);
        await ReplaceAsync(ServiceTemplateMirrorRow.TableName, ["service", "template", "template_version", "valid_from", "valid_to"],
            mirror.ServiceTemplates.Select(row => new object?[] { row.Service, row.Template, row.TemplateVersion, row.ValidFrom, row.ValidTo }), cancellationToken);
        await ReplaceAsync(ProductionEnvironmentMirrorRow.TableName, ["source", "pattern", "is_production"],
            mirror.ProductionEnvironments.Select(row => new object?[] { row.Source, row.Pattern, row.IsProduction }), cancellationToken);
        await ReplaceAsync(ServiceMirrorRow.TableName, ["service", "repository", "default_branch", "paths"],
            mirror.Services.Select(row => new object?[] { row.Service, row.Repository, row.DefaultBranch, row.Paths.ToArray() }), cancellationToken);
        await ReplaceAsync(TemplateMirrorRow.TableName, ["template", "latest_version", "is_golden_path"],
            mirror.Templates.Select(row => new object?[] { row.Template, row.LatestVersion, row.IsGoldenPath }), cancellationToken);
    }

    private static string Quote(string name) => ClickHouseText.QuoteIdentifier(name);

    private async Task ReplaceAsync(string table, IReadOnlyList<string> columns, IEnumerable<object?[]> rows, CancellationToken cancellationToken)
    {
        var staging = $"{table}__next_{Guid.NewGuid().ToString("N")[..12]}";
        try
        {
            await store.ExecuteAsync($"CREATE TABLE {Quote(staging)} AS {Quote(table)}", cancellationToken: cancellationToken);
            await store.InsertAsync(staging, columns, rows, cancellationToken);
            await store.ExecuteAsync($"EXCHANGE TABLES {Quote(table)} AND {Quote(staging)}", cancellationToken: cancellationToken);
        }
        finally
        {
            // After the exchange it holds the previous rows; before it, an unfinished copy. Never read either way.
            await store.ExecuteAsync($"DROP TABLE IF EXISTS {Quote(staging)} SYNC", cancellationToken: CancellationToken.None);
        }
    }
}
