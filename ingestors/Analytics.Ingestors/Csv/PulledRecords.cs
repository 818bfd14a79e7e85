using System.Globalization;
using System.Text.Json;

namespace Analytics.Ingestors.Csv;

/// <summary>
/// A record a source pulled from a vendor, put into the fields of the CSV format it lands in (<see cref="IncidentEvent"/>,
/// <see cref="ServiceRequestEvent"/>) and checked by that format's own rules: a pulled incident is refused for exactly
/// what a CSV line or a push would be, and the message names the vendor's record and the field.
/// </summary>
public static class PulledRecords
{
    /// <summary>
    /// The record parsed from <paramref name="fields"/>, or why not: "<paramref name="record"/>: field reason; …"
    /// (the vendor's record, e.g. <c>PagerDuty incident PT4KHLK</c>).
    /// </summary>
    /// <param name="origins">Where a field came from in the vendor's record (started_at → created_at), named in the message.</param>
    public static (T? Record, string? Problem) Check<T>(
        string record, IReadOnlyDictionary<string, string?> fields, Func<RecordReader, T> parse, DateTimeOffset now,
        IReadOnlyDictionary<string, string>? origins = null) where T : class
    {
        var reader = new RecordReader(new Fields(fields), now);
        var parsed = parse(reader);
        string Name(string field) => origins?.TryGetValue(field, out var origin) == true ? $"{field} (from {origin})" : field;
        return reader.HasErrors
            ? (null, $"{record}: {string.Join("; ", reader.Errors.Select(e => e.Field is null ? e.Reason : $"{Name(e.Field)} {e.Reason}"))}")
            : (parsed, null);
    }

    /// <summary>A time as the CSV format reads it (ISO 8601 in UTC), or null.</summary>
    public static string? Time(DateTimeOffset? time) => time is { } value ? RecordReader.Format(value) : null;

    /// <summary>A string property of a JSON object, or null when absent, null or not a string.</summary>
    public static string? Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>A time property (ISO 8601, UTC when it names no offset) in UTC; null when absent or not a time.</summary>
    public static DateTimeOffset? TimeOf(JsonElement element, string property) =>
        DateTimeOffset.TryParse(Text(element, property), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at.ToUniversalTime()
            : null;

    /// <summary>An object property, or an undefined element (on which <see cref="Text"/> gives null).</summary>
    public static JsonElement Object(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Object
            ? value
            : default;

    /// <summary>An array property's items; none when absent or not an array.</summary>
    public static IEnumerable<JsonElement> Items(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray()
            : [];

    /// <summary>
    /// The deployment a vendor's free-form details name (PagerDuty change events' <c>custom_details</c>, Opsgenie
    /// incidents' <c>extraProperties</c>): the <c>deployment_id</c> (or <c>deployment</c>) key's value, a string or a
    /// number, taken as a stored deployment id; null when neither is set.
    /// </summary>
    public static string? DeploymentId(JsonElement details)
    {
        foreach (var key in new[] { "deployment_id", "deployment" })
        {
            if (details.ValueKind == JsonValueKind.Object && details.TryGetProperty(key, out var value))
            {
                var text = value.ValueKind switch
                {
                    JsonValueKind.String => value.GetString(),
                    JsonValueKind.Number => value.GetRawText(),
                    _ => null,
                };
                if (text?.Trim() is { Length: > 0 } id)
                {
                    return id;
                }
            }
        }
        return null;
    }

    /// <summary>A stable text of a row's values, to tell whether a record changed since it was last written.</summary>
    public static string Fingerprint(object?[] row) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
            string.Join('\u001f', row.Select(value => value switch
            {
                null => "\u2400",
                DateTimeOffset time => time.UtcTicks.ToString(CultureInfo.InvariantCulture),
                _ => Convert.ToString(value, CultureInfo.InvariantCulture),
            })))))[..16];

    private sealed class Fields(IReadOnlyDictionary<string, string?> values) : IRecordFields
    {
        public string? Get(string name) => values.TryGetValue(name, out var value) && value?.Trim() is { Length: > 0 } text ? text : null;
    }
}
