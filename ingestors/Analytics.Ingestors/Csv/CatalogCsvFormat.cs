using Analytics.Storage.Catalog;

namespace Analytics.Ingestors.Csv;

/// <summary>
/// A catalog CSV format: rows are upserted into the SQLite catalog by their natural key (slug, external id, or
/// the start of a history range), in one transaction per file, so importing the same file again changes nothing.
/// </summary>
internal abstract class CatalogCsvFormat<T> : CsvFormat<T> where T : notnull
{
    public override bool IsCatalog => true;

    protected sealed override async Task<long> WriteAsync(IReadOnlyList<T> records, CsvImportServices services, CancellationToken cancellationToken)
    {
        await UpsertAsync(services.Catalog, records, services.Now, cancellationToken);
        return records.Count;
    }

    /// <summary>Writes the file's valid records in one transaction (see <see cref="CatalogUpserts"/>).</summary>
    protected abstract Task UpsertAsync(CatalogUpserts catalog, IReadOnlyList<T> records, DateTimeOffset now, CancellationToken cancellationToken);

    protected static void RequireKnown(RecordReader reader, HashSet<string> known, string field, string value, string what, string file)
    {
        if (!known.Contains(value))
        {
            reader.Fail(field, $"'{value}' is not a {what} in the catalog (import {file} first)");
        }
    }
}
