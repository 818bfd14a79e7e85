using Analytics.Storage.ClickHouse;

namespace Analytics.Storage.Catalog;

/// <summary>
/// Copies the catalog (SQLite, the source of truth) into its read-only ClickHouse mirror tables, so metric SQL
/// can attribute events to teams at the event's time. Each table is replaced whole; the catalog is small.
/// Run after every catalog change and at start-up.
/// </summary>
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

    private async Task ReplaceAsync(string table, IReadOnlyList<string> columns, IEnumerable<object?[]> rows, CancellationToken cancellationToken)
    {
        await store.ExecuteAsync($"TRUNCATE TABLE {ClickHouseText.QuoteIdentifier(table)}", cancellationToken: cancellationToken);
        await store.InsertAsync(table, columns, rows, cancellationToken);
    }
}
