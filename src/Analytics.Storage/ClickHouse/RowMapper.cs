using System.Text.Json;
using System.Text.Json.Serialization;

namespace Analytics.Storage.ClickHouse;

/// <summary>
/// Maps result rows to records by column name. Both transports produce JSON objects per row
/// (chDB emits JSONEachRow; the server transport converts its reader rows), so there is one mapping.
/// </summary>
public static class RowMapper
{
    /// <summary>Columns are snake_case in SQL; record properties are PascalCase.</summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        PropertyNameCaseInsensitive = true,
        NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static IReadOnlyList<TRow> FromJsonLines<TRow>(ReadOnlySpan<byte> jsonLines)
    {
        var rows = new List<TRow>();
        while (!jsonLines.IsEmpty)
        {
            var end = jsonLines.IndexOf((byte)'\n');
            var line = end < 0 ? jsonLines : jsonLines[..end];
            jsonLines = end < 0 ? ReadOnlySpan<byte>.Empty : jsonLines[(end + 1)..];
            if (line.IsEmpty)
            {
                continue;
            }
            rows.Add(JsonSerializer.Deserialize<TRow>(line, Options)
                ?? throw new InvalidOperationException($"A result row did not map to {typeof(TRow).Name}."));
        }
        return rows;
    }
}
