using Analytics.Core.Calendar;
using Analytics.Storage.Metrics;
using Analytics.Core.Space;
using Analytics.Storage.Catalog;
using Analytics.Storage.ClickHouse;

namespace Analytics.Ingestors.Csv;

/// <summary>
/// What the formats of one import share: the event store, the catalog to check against and to write, the respondent
/// hasher; <paramref name="Calendar"/> is the organisation's (MetricOptions.TimeZone). <paramref name="Shipped"/> collects
/// what the import wrote that deployment links depend on.
/// </summary>
internal sealed record CsvImportServices(
    IClickHouseStore Store, CatalogLookups Lookups, CatalogUpserts Catalog, RespondentHasher Hasher, string Source, DateTimeOffset Now, MonthGrid Calendar, SurveyWaves Waves,
    ShippedChanges Shipped);

/// <summary>
/// The services and repositories whose commits or deployments an import wrote: their production deployments are
/// linked again to what they shipped once the import is done (DeploymentLinker), so the DORA lead time and the pull
/// requests' deploy phase work from imported data alone.
/// </summary>
public sealed class ShippedChanges
{
    public SortedSet<string> Services { get; } = new(StringComparer.Ordinal);

    public SortedSet<string> Repositories { get; } = new(StringComparer.Ordinal);

    public bool IsEmpty => Services.Count == 0 && Repositories.Count == 0;
}

/// <summary>A whole file cannot be imported, e.g. surveys without a configured salt.</summary>
internal sealed class CsvFileProblemException(string reason) : Exception(reason);

/// <summary>One parsed row and everything wrong with it.</summary>
internal sealed record ParsedRow<T>(CsvRow Row, T Record, List<FieldError> Errors)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>The natural ids seen so far in one import (all its files), to catch duplicates within and across files.</summary>
internal sealed class CsvImportBatch
{
    private readonly Dictionary<(string Format, string Key), string> _seen = [];

    /// <summary>Claims <paramref name="key"/>; false, with where it was first seen, if another row already did.</summary>
    public bool TryClaim(string format, string key, string location, out string firstSeenAt)
    {
        if (_seen.TryGetValue((format, key), out firstSeenAt!))
        {
            return false;
        }
        _seen[(format, key)] = location;
        firstSeenAt = location;
        return true;
    }
}

/// <summary>What a format did with one file's rows.</summary>
internal sealed record CsvFormatOutcome(long RowsWritten, IReadOnlyList<(CsvRow Row, IReadOnlyList<FieldError> Errors)> Rejected);

/// <summary>
/// One CSV layout (deployments, teams, …): its fields, how a row becomes a record, what makes a row invalid, and
/// where valid records go. A format object serves one file, so it may keep what it loaded for that file.
/// </summary>
internal abstract class CsvFormat
{
    /// <summary>The name files of this format start with, e.g. "deployments" for deployments-2026.csv.</summary>
    public abstract string Name { get; }

    /// <summary>Other accepted file name starts, e.g. "survey-responses" for surveys.</summary>
    public virtual IReadOnlyList<string> Aliases => [];

    public abstract IReadOnlyList<FieldSpec> Fields { get; }

    /// <summary>Where the rows go, as reported in rows per table: a ClickHouse table or a catalog entity set.</summary>
    public abstract string Target { get; }

    public abstract bool IsCatalog { get; }

    /// <summary>Checks every row, then writes the valid ones: all of them, or none if any row is invalid and <paramref name="skipInvalid"/> is off.</summary>
    internal abstract Task<CsvFormatOutcome> ImportAsync(
        string fileLabel, CsvFileContent content, CsvImportBatch batch, CsvImportServices services, bool skipInvalid, CancellationToken cancellationToken);
}

internal abstract class CsvFormat<T> : CsvFormat where T : notnull
{
    protected abstract T Parse(RecordReader reader, CsvImportServices services);

    /// <summary>The record's natural id, which must be unique within an import; null when the format has none.</summary>
    /// <returns>The column to blame, the key, and how to describe it in a message (never a secret value).</returns>
    protected abstract (string Column, string Key, string Description)? NaturalKey(T record);

    /// <summary>Loads what the checks need (e.g. the catalog's team slugs). Throw <see cref="CsvFileProblemException"/> to refuse the whole file.</summary>
    protected virtual Task PrepareAsync(CsvImportServices services, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Checks one well-formed record against what <see cref="PrepareAsync"/> loaded.</summary>
    protected virtual void Check(T record, RecordReader reader)
    {
    }

    /// <summary>Checks the well-formed rows together (overlapping ranges, ids already stored differently); adds to their errors.</summary>
    protected virtual Task CheckTogetherAsync(IReadOnlyList<ParsedRow<T>> rows, CsvImportServices services, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    protected abstract Task<long> WriteAsync(IReadOnlyList<T> records, CsvImportServices services, CancellationToken cancellationToken);

    internal override async Task<CsvFormatOutcome> ImportAsync(
        string fileLabel, CsvFileContent content, CsvImportBatch batch, CsvImportServices services, bool skipInvalid, CancellationToken cancellationToken)
    {
        await PrepareAsync(services, cancellationToken);
        var parsed = new List<ParsedRow<T>>(content.Rows.Count);
        foreach (var row in content.Rows)
        {
            var reader = new RecordReader(new CsvRowFields(content.Header, row), services.Now);
            if (row.Malformed is not null)
            {
                reader.Fail(null, row.Malformed);
            }
            var record = Parse(reader, services);
            if (!reader.HasErrors)
            {
                Check(record, reader);
            }
            parsed.Add(new ParsedRow<T>(row, record, [.. reader.Errors]));
        }

        // Invalid rows claim their ids too: an id given twice is a duplicate even if one of its rows has other problems.
        foreach (var row in parsed)
        {
            if (NaturalKey(row.Record) is { } key && !batch.TryClaim(Name, key.Key, $"{fileLabel} line {row.Row.Line}", out var firstSeenAt))
            {
                row.Errors.Add(new FieldError(key.Column, $"{key.Description} is duplicated: it already appears in {firstSeenAt}"));
            }
        }
        await CheckTogetherAsync(parsed.Where(p => p.IsValid).ToList(), services, cancellationToken);

        var rejected = parsed.Where(p => !p.IsValid).Select(p => (p.Row, (IReadOnlyList<FieldError>)p.Errors)).ToList();
        if (rejected.Count > 0 && !skipInvalid)
        {
            return new CsvFormatOutcome(0, rejected);
        }
        var valid = parsed.Where(p => p.IsValid).Select(p => p.Record).ToList();
        var written = valid.Count == 0 ? 0 : await WriteAsync(valid, services, cancellationToken);
        return new CsvFormatOutcome(written, rejected);
    }
}
