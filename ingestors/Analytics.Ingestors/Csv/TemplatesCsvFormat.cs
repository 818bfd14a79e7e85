using Analytics.Storage.Catalog;

namespace Analytics.Ingestors.Csv;

internal sealed class TemplatesCsvFormat : CatalogCsvFormat<TemplateEntry>
{
    public override string Name => "templates";
    public override IReadOnlyList<FieldSpec> Fields { get; } = [new("slug", true), new("name", true), new("latest_version", true), new("golden_path", false)];
    public override string Target => "templates";

    protected override TemplateEntry Parse(RecordReader reader, CsvImportServices services) =>
        new(reader.Slug("slug"), reader.Text("name", 200), reader.Text("latest_version", 50), reader.Flag("golden_path"));

    protected override (string, string, string)? NaturalKey(TemplateEntry record) => ("slug", record.Slug, $"template '{record.Slug}'");

    protected override Task UpsertAsync(CatalogUpserts catalog, IReadOnlyList<TemplateEntry> records, DateTimeOffset now, CancellationToken cancellationToken) =>
        catalog.UpsertTemplatesAsync(records, cancellationToken);
}
