using Analytics.Core.Dora;
using Analytics.Storage.Catalog;

namespace Analytics.Ingestors.Csv;

internal sealed class ServicesCsvFormat : CatalogCsvFormat<ServiceEntry>
{
    public override string Name => "services";
    public override IReadOnlyList<FieldSpec> Fields { get; } =
        [new("slug", true), new("name", true), new("repository", true), new("default_branch", false), new("created_at", false), new("paths", false)];
    public override string Target => "services";

    protected override ServiceEntry Parse(RecordReader reader, CsvImportServices services)
    {
        var (paths, pathProblem) = ServicePaths.Normalise(reader.List("paths"));
        if (pathProblem is not null)
        {
            reader.Fail("paths", pathProblem);
        }
        var record = new ServiceEntry(reader.Slug("slug"), reader.Text("name", 200), reader.Text("repository", 200),
            reader.OptionalText("default_branch", 200), reader.OptionalDate("created_at"), paths);
        if (record.Repository.Length > 0 && !InterchangeFields.RepositoryPattern().IsMatch(record.Repository))
        {
            reader.Fail("repository", $"'{RecordReader.Shorten(record.Repository)}' is not owner/name, e.g. acme/payments-api");
        }
        return record;
    }

    protected override (string, string, string)? NaturalKey(ServiceEntry record) => ("slug", record.Slug, $"service '{record.Slug}'");

    protected override Task UpsertAsync(CatalogUpserts catalog, IReadOnlyList<ServiceEntry> records, DateTimeOffset now, CancellationToken cancellationToken) =>
        catalog.UpsertServicesAsync(records, now, cancellationToken);
}
