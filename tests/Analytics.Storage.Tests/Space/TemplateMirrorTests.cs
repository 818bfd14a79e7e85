namespace Analytics.Storage.Tests.Space;

/// <summary>The catalog's templates reach ClickHouse's catalog_templates (migration 0006), replaced whole on each sync.</summary>
public sealed class TemplateMirrorTests
{
    private sealed record TemplateRow(string Template, string LatestVersion, bool IsGoldenPath);

    [Fact]
    public async Task Templates_are_exported_in_slug_order_and_replaced_on_every_sync()
    {
        await using var catalog = await CatalogTestDatabase.CreateMigratedAsync();
        await using var store = await EmbeddedEngine.NewMigratedDatabaseAsync("mirror");
        await catalog.SaveAsync(
            new Template { Slug = "node", Name = "Node", LatestVersion = "2.5.1", IsGoldenPath = true },
            new Template { Slug = "legacy", Name = "Legacy", LatestVersion = "1.9.0" });
        var sync = new CatalogMirrorSync(catalog.MirrorExport, store);

        var mirror = await catalog.MirrorExport.ExportMirrorAsync();
        await sync.SyncAsync();
        await catalog.WithContextAsync(async db =>
        {
            var node = db.Templates.Single(t => t.Slug == "node");
            node.LatestVersion = "3.0.0";
            return await db.SaveChangesAsync();
        });
        await sync.SyncAsync();

        Assert.Equal([new TemplateMirrorRow("legacy", "1.9.0", false), new TemplateMirrorRow("node", "2.5.1", true)], mirror.Templates);
        var rows = await store.QueryAsync<TemplateRow>("SELECT template, latest_version, is_golden_path FROM catalog_templates ORDER BY template");
        Assert.Equal([new TemplateRow("legacy", "1.9.0", false), new TemplateRow("node", "3.0.0", true)], rows);
    }
}
