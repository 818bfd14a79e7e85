using System.Globalization;
using System.Text.Json;
using Analytics.Ingestors.Csv;

namespace Analytics.Ingestors.Surveys;

/// <summary>One response of an export: the line it starts on and its cells by column (CSV header, or Typeform key).</summary>
public sealed record SurveyExportRow(int Line, IReadOnlyDictionary<string, string> Cells, string? Malformed);

/// <summary>An export's responses, the columns it has, and why the file as a whole cannot be read.</summary>
/// <param name="RepeatedColumns">Header cells given more than once: a mapping cannot name them.</param>
public sealed record SurveyExport(IReadOnlyList<SurveyExportRow> Rows, IReadOnlySet<string> Columns, IReadOnlySet<string> RepeatedColumns, IReadOnlyList<string> FileErrors);

/// <summary>Reads a survey tool's export into rows of named cells, whatever its tool: CSV with a header row, or Typeform's Responses API JSON.</summary>
public static class SurveyExportReader
{
    public static Task<SurveyExport> ReadAsync(string path, SurveyExportFormat format, CancellationToken cancellationToken) =>
        format == SurveyExportFormat.TypeformJson ? ReadTypeformAsync(path, cancellationToken) : ReadCsvAsync(path, cancellationToken);

    private static async Task<SurveyExport> ReadCsvAsync(string path, CancellationToken cancellationToken)
    {
        var content = await CsvFileReader.ReadAnyAsync(path, cancellationToken);
        var repeated = content.Header.GroupBy(h => h, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        var rows = content.Rows.Select(row =>
        {
            var cells = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < content.Header.Count && i < row.Values.Count; i++)
            {
                cells.TryAdd(content.Header[i], row.Values[i].Trim());
            }
            return new SurveyExportRow(row.Line, cells, row.Malformed);
        }).ToList();
        return new SurveyExport(rows, content.Header.ToHashSet(StringComparer.Ordinal), repeated, content.FileErrors);
    }

    /// <summary>
    /// Typeform's <c>GET /forms/{form_id}/responses</c> answer (<c>{"total_items", "page_count", "items": [...]}</c>), or
    /// a JSON array of its items. Each item becomes a row of: <c>response_id</c>, <c>token</c>, <c>landed_at</c>,
    /// <c>submitted_at</c>, <c>hidden.&lt;name&gt;</c>, <c>metadata.&lt;name&gt;</c>, and each answer under its field's
    /// <c>ref</c> and its <c>id</c> (the value of its type: number, choice label, text, email, boolean, date…).
    /// The line of a row is where its item starts in the file.
    /// </summary>
    private static async Task<SurveyExport> ReadTypeformAsync(string path, CancellationToken cancellationToken)
    {
        var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException error)
        {
            return Failed($"is not valid JSON (line {(error.LineNumber ?? 0) + 1}): {error.Message.Split(" Path:")[0]}");
        }
        using (document)
        {
            var items = document.RootElement.ValueKind switch
            {
                JsonValueKind.Array => document.RootElement,
                JsonValueKind.Object when document.RootElement.TryGetProperty("items", out var list) && list.ValueKind == JsonValueKind.Array => list,
                _ => (JsonElement?)null,
            };
            if (items is null)
            {
                return Failed("is not a Typeform responses answer: expected an object with an items array (GET /forms/{form_id}/responses), or an array of its items");
            }
            var lines = ItemLines(bytes, document.RootElement.ValueKind == JsonValueKind.Array);
            var rows = new List<SurveyExportRow>();
            var columns = new HashSet<string>(StringComparer.Ordinal);
            var index = 0;
            foreach (var item in items.Value.EnumerateArray())
            {
                var line = index < lines.Count ? lines[index] : 0;
                index++;
                if (item.ValueKind != JsonValueKind.Object)
                {
                    rows.Add(new SurveyExportRow(line, new Dictionary<string, string>(), "is not a response object"));
                    continue;
                }
                var cells = Flatten(item);
                columns.UnionWith(cells.Keys);
                rows.Add(new SurveyExportRow(line, cells, null));
            }
            return new SurveyExport(rows, columns, new HashSet<string>(), []);
        }
    }

    private static Dictionary<string, string> Flatten(JsonElement item)
    {
        var cells = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in new[] { "response_id", "token", "landing_id", "landed_at", "submitted_at" })
        {
            if (item.TryGetProperty(name, out var value) && Text(value) is { } text)
            {
                cells[name] = text;
            }
        }
        foreach (var group in new[] { "hidden", "metadata", "variables" })
        {
            if (item.TryGetProperty(group, out var values) && values.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in values.EnumerateObject())
                {
                    if (Text(property.Value) is { } text)
                    {
                        cells[$"{group}.{property.Name}"] = text;
                    }
                }
            }
        }
        if (item.TryGetProperty("answers", out var answers) && answers.ValueKind == JsonValueKind.Array)
        {
            foreach (var answer in answers.EnumerateArray())
            {
                if (answer.ValueKind != JsonValueKind.Object || AnswerValue(answer) is not { } value || !answer.TryGetProperty("field", out var field))
                {
                    continue;
                }
                foreach (var key in new[] { "ref", "id" })
                {
                    if (field.TryGetProperty(key, out var name) && name.ValueKind == JsonValueKind.String && name.GetString() is { Length: > 0 } column)
                    {
                        cells[column] = value;
                    }
                }
            }
        }
        return cells;
    }

    /// <summary>An answer's value, by its <c>type</c>: the property of that name (a choice's label, a list of choices' labels joined by ';').</summary>
    private static string? AnswerValue(JsonElement answer)
    {
        if (!answer.TryGetProperty("type", out var type) || type.GetString() is not { } name || !answer.TryGetProperty(name, out var value))
        {
            return null;
        }
        return name switch
        {
            "choice" => value.TryGetProperty("label", out var label) ? Text(label) : value.TryGetProperty("other", out var other) ? Text(other) : null,
            "choices" => value.TryGetProperty("labels", out var labels) && labels.ValueKind == JsonValueKind.Array
                ? string.Join(";", labels.EnumerateArray().Select(Text)) : null,
            _ => Text(value),
        };
    }

    private static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()?.Trim(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    /// <summary>The line each item of the responses array starts on (System.Text.Json reports no lines, so they are counted from the token offsets).</summary>
    private static List<int> ItemLines(byte[] bytes, bool rootIsArray)
    {
        var lines = new List<int>();
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        var inItems = rootIsArray;
        var itemDepth = rootIsArray ? 1 : 2;
        var (line, counted) = (1, 0L);
        while (reader.Read())
        {
            if (!rootIsArray && reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
            {
                inItems = reader.ValueTextEquals("items");
            }
            else if (inItems && reader.CurrentDepth == itemDepth && reader.TokenType is not (JsonTokenType.EndArray or JsonTokenType.EndObject))
            {
                for (var i = counted; i < reader.TokenStartIndex; i++)
                {
                    line += bytes[i] == (byte)'\n' ? 1 : 0;
                }
                counted = reader.TokenStartIndex;
                lines.Add(line);
                reader.Skip();
            }
        }
        return lines;
    }

    private static SurveyExport Failed(string reason) => new([], new HashSet<string>(), new HashSet<string>(), [reason]);
}

/// <summary>Reads a submitted time as the mapping says: ISO 8601, or its .NET format, in its time zone when the text has no offset.</summary>
internal static class SubmittedTimes
{
    public static DateTimeOffset? Parse(string value, SubmittedAtMapping mapping, out string? problem)
    {
        problem = null;
        var styles = DateTimeStyles.AllowWhiteSpaces;
        if (mapping.Format is { } format)
        {
            var hasOffset = format.Replace("'GMT'", "", StringComparison.Ordinal).IndexOfAny(['z', 'K']) >= 0;
            if (hasOffset && DateTimeOffset.TryParseExact(value, format, CultureInfo.InvariantCulture, styles, out var withOffset))
            {
                return withOffset;
            }
            if (!hasOffset && DateTime.TryParseExact(value, format, CultureInfo.InvariantCulture, styles, out var local))
            {
                return InZone(local, mapping, value, out problem);
            }
            problem = $"'{RecordReader.Shorten(value)}' does not match the format '{format}' of submitted_at in the mapping";
            return null;
        }
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, styles, out var parsed) && HasOffset(value))
        {
            return parsed;
        }
        if (DateTime.TryParse(value, CultureInfo.InvariantCulture, styles, out var plain))
        {
            return InZone(plain, mapping, value, out problem);
        }
        problem = $"'{RecordReader.Shorten(value)}' is not a date and time; give submitted_at.format in the mapping (a .NET format such as M/d/yyyy H:mm:ss)";
        return null;
    }

    private static DateTimeOffset? InZone(DateTime local, SubmittedAtMapping mapping, string value, out string? problem)
    {
        problem = null;
        if (mapping.TimeZone is not { } zone)
        {
            problem = $"'{RecordReader.Shorten(value)}' has no UTC offset; give submitted_at.time_zone in the mapping (time zones are never guessed)";
            return null;
        }
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        return new DateTimeOffset(unspecified, zone.GetUtcOffset(unspecified));
    }

    private static bool HasOffset(string value) =>
        value.EndsWith('Z') || value.EndsWith('z') || System.Text.RegularExpressions.Regex.IsMatch(value, @"[+-]\d{2}:?\d{2}$");
}
