using Analytics.Storage.Catalog;

namespace Analytics.Ingestors.Csv;

internal sealed class TeamsCsvFormat : CatalogCsvFormat<TeamEntry>
{
    public override string Name => "teams";
    public override IReadOnlyList<FieldSpec> Fields { get; } = [new("slug", true), new("name", true)];
    public override string Target => "teams";

    protected override TeamEntry Parse(RecordReader reader, CsvImportServices services) => new(reader.Slug("slug"), reader.Text("name", 200));

    protected override (string, string, string)? NaturalKey(TeamEntry record) => ("slug", record.Slug, $"team '{record.Slug}'");

    protected override Task UpsertAsync(CatalogUpserts catalog, IReadOnlyList<TeamEntry> records, DateTimeOffset now, CancellationToken cancellationToken) =>
        catalog.UpsertTeamsAsync(records, cancellationToken);
}
