using Analytics.Storage.Catalog;

namespace Analytics.Ingestors.Csv;

internal sealed class OwnershipsCsvFormat : CatalogCsvFormat<OwnershipEntry>
{
    private HashSet<string> _services = [];
    private HashSet<string> _teams = [];

    public override string Name => "ownerships";
    public override IReadOnlyList<string> Aliases => ["ownership", "service-ownerships", "service_ownerships"];
    public override IReadOnlyList<FieldSpec> Fields { get; } = [new("service", true), new("team", true), new("valid_from", true), new("valid_to", false)];
    public override string Target => "service_ownerships";

    protected override OwnershipEntry Parse(RecordReader reader, CsvImportServices services)
    {
        var record = new OwnershipEntry(reader.Slug("service"), reader.Slug("team"), reader.Date("valid_from", allowFuture: true), reader.OptionalDate("valid_to", allowFuture: true));
        HistoryRanges.CheckOrder(reader, record.ValidFrom, record.ValidTo);
        return record;
    }

    protected override (string, string, string)? NaturalKey(OwnershipEntry record) =>
        ("valid_from", $"{record.Service}|{record.ValidFrom.UtcTicks}", $"ownership of '{record.Service}' from {RecordReader.Format(record.ValidFrom)}");

    protected override async Task PrepareAsync(CsvImportServices services, CancellationToken cancellationToken)
    {
        _services = await services.Lookups.ServiceSlugsAsync(cancellationToken);
        _teams = (await services.Lookups.TeamSlugsAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
    }

    protected override void Check(OwnershipEntry record, RecordReader reader)
    {
        RequireKnown(reader, _services, "service", record.Service, "service", "services.csv");
        RequireKnown(reader, _teams, "team", record.Team, "team", "teams.csv");
    }

    protected override async Task CheckTogetherAsync(IReadOnlyList<ParsedRow<OwnershipEntry>> rows, CsvImportServices services, CancellationToken cancellationToken)
    {
        var stored = await services.Lookups.OwnershipRangesAsync(cancellationToken);
        HistoryRanges.CheckNoOverlap(rows, r => r.Service, r => r.ValidFrom, r => r.ValidTo, r => $"owned by '{r.Team}'",
            stored.Select(s => (s.Service, s.ValidFrom, s.ValidTo, $"owned by '{s.Team}'")));
    }

    protected override Task UpsertAsync(CatalogUpserts catalog, IReadOnlyList<OwnershipEntry> records, DateTimeOffset now, CancellationToken cancellationToken) =>
        catalog.UpsertOwnershipsAsync(records, cancellationToken);
}
