using Analytics.Storage.Catalog;

namespace Analytics.Ingestors.Csv;

internal sealed class MembershipsCsvFormat : CatalogCsvFormat<MembershipEntry>
{
    private HashSet<string> _people = [];
    private HashSet<string> _teams = [];

    public override string Name => "memberships";
    public override IReadOnlyList<string> Aliases => ["team-memberships", "team_memberships"];
    public override IReadOnlyList<FieldSpec> Fields { get; } = [new("person_id", true), new("team", true), new("valid_from", true), new("valid_to", false)];
    public override string Target => "team_memberships";

    protected override MembershipEntry Parse(RecordReader reader, CsvImportServices services)
    {
        var record = new MembershipEntry(reader.Text("person_id", 100), reader.Slug("team"), reader.Date("valid_from", allowFuture: true), reader.OptionalDate("valid_to", allowFuture: true));
        HistoryRanges.CheckOrder(reader, record.ValidFrom, record.ValidTo);
        return record;
    }

    protected override (string, string, string)? NaturalKey(MembershipEntry record) =>
        ("valid_from", $"{record.PersonId}|{record.Team}|{record.ValidFrom.UtcTicks}", $"membership of '{record.PersonId}' in '{record.Team}' from {RecordReader.Format(record.ValidFrom)}");

    protected override async Task PrepareAsync(CsvImportServices services, CancellationToken cancellationToken)
    {
        _people = await services.Lookups.PersonIdsAsync(cancellationToken);
        _teams = (await services.Lookups.TeamSlugsAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
    }

    protected override void Check(MembershipEntry record, RecordReader reader)
    {
        RequireKnown(reader, _people, "person_id", record.PersonId, "person", "people.csv");
        RequireKnown(reader, _teams, "team", record.Team, "team", "teams.csv");
    }

    protected override Task UpsertAsync(CatalogUpserts catalog, IReadOnlyList<MembershipEntry> records, DateTimeOffset now, CancellationToken cancellationToken) =>
        catalog.UpsertMembershipsAsync(records, cancellationToken);
}
