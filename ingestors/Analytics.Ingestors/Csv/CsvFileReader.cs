using CsvHelper;

namespace Analytics.Ingestors.Csv;

/// <summary>One data row of a CSV file: where it starts and its values in header order.</summary>
public sealed record CsvRow(int Line, IReadOnlyList<string> Values, string? Malformed);

/// <summary>A CSV file's header and rows, or why the file as a whole cannot be read.</summary>
public sealed record CsvFileContent(IReadOnlyList<string> Header, IReadOnlyList<CsvRow> Rows, IReadOnlyList<string> FileErrors);

/// <summary>
/// Reads a comma-separated UTF-8 file (a byte order mark is fine; quoted fields may hold commas, quotes and
/// line breaks) and checks its header against the fields a format knows.
/// </summary>
public static class CsvFileReader
{
    private static readonly (char Separator, string Name)[] OtherSeparators = [(';', "semicolons (;)"), ('\t', "tabs"), ('|', "pipes (|)")];

    /// <summary>Columns the importer itself adds to a <c>.rejected.csv</c> file; ignored so a fixed file can be imported again.</summary>
    public static readonly string[] RejectionColumns = ["rejected_line", "rejected_reason"];

    public static async Task<CsvFileContent> ReadAsync(string path, IReadOnlyList<FieldSpec> fields, CancellationToken cancellationToken)
    {
        var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
        if (bytes.Length == 0)
        {
            return Failed($"the file is empty (zero bytes); expected a header row: {string.Join(",", fields.Select(f => f.Name))}");
        }
        return Read(bytes, header => CheckHeader(header, fields), cancellationToken);
    }

    /// <summary>
    /// Reads a file whose columns are not this product's (a survey tool's export): any header is taken as it is, so
    /// the caller names the columns it needs; a header cell may repeat.
    /// </summary>
    public static async Task<CsvFileContent> ReadAnyAsync(string path, CancellationToken cancellationToken)
    {
        var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
        return bytes.Length == 0 ? Failed("the file is empty (zero bytes); expected a header row") : Read(bytes, SeparatorProblem, cancellationToken);
    }

    private static CsvFileContent Read(byte[] bytes, Func<IReadOnlyList<string>, string?> checkHeader, CancellationToken cancellationToken)
    {
        string? malformed = null;
        var options = CsvReaderOptions.Default with
        {
            // Fixed rather than detected, so a file saved with another separator is reported instead of guessed at.
            Separator = ',',
            TrackLineNumbers = true,
            TrimWhitespace = true,
            // Values can be personal data (respondent ids): keep them out of exception messages.
            IncludeValuesInExceptions = false,
            OnMalformedRecord = record => malformed = $"malformed quoting ({record.Reason})",
        };
        using var reader = CsvReader.Create(bytes, options);
        var header = reader.Headers.Select(name => name.Trim()).ToList();
        if (header.Count == 0 || header.All(name => name.Length == 0))
        {
            return Failed("the file has no header row");
        }

        var headerProblem = checkHeader(header);
        if (headerProblem is not null)
        {
            return Failed(headerProblem);
        }

        var rows = new List<CsvRow>();
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var values = new string[reader.FieldCount];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = reader.GetString(i);
            }
            var problem = malformed ?? (values.Length != header.Count ? $"has {values.Length} fields but the header has {header.Count}" : null);
            rows.Add(new CsvRow((int)reader.LineNumber, values, problem));
            malformed = null;
        }
        return new CsvFileContent(header, rows, []);
    }

    private static string? SeparatorProblem(IReadOnlyList<string> header)
    {
        if (header.Count == 1)
        {
            foreach (var (separator, name) in OtherSeparators)
            {
                if (header[0].Contains(separator))
                {
                    return $"the header is separated by {name}, not commas; save the file as comma-separated CSV";
                }
            }
        }
        return null;
    }

    private static string? CheckHeader(IReadOnlyList<string> header, IReadOnlyList<FieldSpec> fields)
    {
        if (SeparatorProblem(header) is { } separatorProblem)
        {
            return separatorProblem;
        }

        var known = fields.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        var normalized = header.Select(name => name.ToLowerInvariant()).ToList();
        var problems = new List<string>();
        var missing = fields.Where(f => f.Required && !normalized.Contains(f.Name)).Select(f => f.Name).ToList();
        if (missing.Count > 0)
        {
            problems.Add($"missing required column{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)}");
        }
        var unknown = normalized.Where(name => !known.Contains(name) && !RejectionColumns.Contains(name)).ToList();
        if (unknown.Count > 0)
        {
            problems.Add($"unknown column{(unknown.Count > 1 ? "s" : "")} {string.Join(", ", unknown.Select(n => $"'{RecordReader.Shorten(n)}'"))}");
        }
        var repeated = normalized.GroupBy(name => name).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (repeated.Count > 0)
        {
            problems.Add($"column{(repeated.Count > 1 ? "s" : "")} {string.Join(", ", repeated)} appear{(repeated.Count > 1 ? "" : "s")} more than once");
        }
        return problems.Count == 0
            ? null
            : $"{string.Join("; ", problems)} (the columns are: {string.Join(",", fields.Select(f => f.Required ? f.Name : $"[{f.Name}]"))}; [optional])";
    }

    private static CsvFileContent Failed(string reason) => new([], [], [reason]);
}

/// <summary>A CSV row's fields by (case-insensitive) column name.</summary>
internal sealed class CsvRowFields(IReadOnlyList<string> header, CsvRow row) : IRecordFields
{
    public string? Get(string name)
    {
        for (var i = 0; i < header.Count; i++)
        {
            if (string.Equals(header[i], name, StringComparison.OrdinalIgnoreCase))
            {
                var value = i < row.Values.Count ? row.Values[i].Trim() : "";
                return value.Length == 0 ? null : value;
            }
        }
        return null;
    }
}
