namespace Analytics.Ingestors.Csv;

/// <summary>One record a remote source hands to a CSV format: where it came from (e.g. a Backstage entity reference) and its fields by the format's names.</summary>
internal sealed record SourceRecord(string Label, IReadOnlyDictionary<string, string?> Fields);

/// <summary>
/// Runs records of a remote source (a Backstage catalog, …) through a CSV format: the same parsing, checks, duplicate
/// detection and catalog or event writes as a CSV file, and the same reasons per field. Valid records are written and
/// invalid ones reported (as <c>--skip-invalid</c> does for a file), each reason prefixed with the record's label.
/// </summary>
internal static class SourceRecords
{
    public static async Task<(long Written, IReadOnlyList<string> Problems)> ImportAsync(
        CsvFormat format, IReadOnlyList<SourceRecord> records, CsvImportBatch batch, CsvImportServices services, CancellationToken cancellationToken)
    {
        if (records.Count == 0)
        {
            return (0, []);
        }
        var header = format.Fields.Select(f => f.Name).ToList();
        // Line n stands for records[n - 1]: the format reports rows by line, and the label replaces it below.
        var rows = records.Select((record, index) => new CsvRow(index + 1, header.Select(name => record.Fields.GetValueOrDefault(name) ?? "").ToList(), null)).ToList();
        var outcome = await format.ImportAsync(format.Name, new CsvFileContent(header, rows, []), batch, services, skipInvalid: true, cancellationToken);
        var problems = outcome.Rejected
            .SelectMany(r => r.Errors.Select(e => $"{records[r.Row.Line - 1].Label}: {(e.Field is null ? "" : $"{format.Name} field {e.Field}: ")}{Relabel(e.Reason, format.Name, records)}"))
            .ToList();
        return (outcome.RowsWritten, problems);
    }

    /// <summary>A duplicate's reason names the line of the first record; name its label instead.</summary>
    private static string Relabel(string reason, string formatName, IReadOnlyList<SourceRecord> records)
    {
        var marker = $" it already appears in {formatName} line ";
        var at = reason.IndexOf(marker, StringComparison.Ordinal);
        return at >= 0 && int.TryParse(reason[(at + marker.Length)..], out var line) && line >= 1 && line <= records.Count
            ? $"{reason[..at]} it already appears as {records[line - 1].Label}"
            : reason;
    }
}
