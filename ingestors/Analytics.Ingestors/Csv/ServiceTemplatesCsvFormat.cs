using Analytics.Storage.Catalog;

namespace Analytics.Ingestors.Csv;

internal sealed class ServiceTemplatesCsvFormat : CatalogCsvFormat<ServiceTemplateEntry>
{
    private HashSet<string> _services = [];
    private HashSet<string> _templates = [];

    public override string Name => "service-templates";
    public override IReadOnlyList<string> Aliases => ["service_templates"];
    public override IReadOnlyList<FieldSpec> Fields { get; } =
        [new("service", true), new("template", true), new("version", true), new("valid_from", true), new("valid_to", false)];
    public override string Target => "service_templates";

    protected override ServiceTemplateEntry Parse(RecordReader reader, CsvImportServices services)
    {
        var record = new ServiceTemplateEntry(reader.Slug("service"), reader.Slug("template"), reader.Text("version", 50),
            reader.Date("valid_from", allowFuture: true), reader.OptionalDate("valid_to", allowFuture: true));
        HistoryRanges.CheckOrder(reader, record.ValidFrom, record.ValidTo);
        return record;
    }

    protected override (string, string, string)? NaturalKey(ServiceTemplateEntry record) =>
        ("valid_from", $"{record.Service}|{record.ValidFrom.UtcTicks}", $"template use of '{record.Service}' from {RecordReader.Format(record.ValidFrom)}");

    protected override async Task PrepareAsync(CsvImportServices services, CancellationToken cancellationToken)
    {
        _services = await services.Lookups.ServiceSlugsAsync(cancellationToken);
        _templates = await services.Lookups.TemplateSlugsAsync(cancellationToken);
    }

    protected override void Check(ServiceTemplateEntry record, RecordReader reader)
    {
        RequireKnown(reader, _services, "service", record.Service, "service", "services.csv");
        RequireKnown(reader, _templates, "template", record.Template, "template", "templates.csv");
    }

    protected override async Task CheckTogetherAsync(IReadOnlyList<ParsedRow<ServiceTemplateEntry>> rows, CsvImportServices services, CancellationToken cancellationToken)
    {
        var stored = await services.Lookups.ServiceTemplateRangesAsync(cancellationToken);
        HistoryRanges.CheckNoOverlap(rows, r => r.Service, r => r.ValidFrom, r => r.ValidTo, r => $"on '{r.Template}' {r.Version}",
            stored.Select(s => (s.Service, s.ValidFrom, s.ValidTo, $"on '{s.Template}' {s.Version}")));
    }

    protected override Task UpsertAsync(CatalogUpserts catalog, IReadOnlyList<ServiceTemplateEntry> records, DateTimeOffset now, CancellationToken cancellationToken) =>
        catalog.UpsertServiceTemplatesAsync(records, cancellationToken);
}
