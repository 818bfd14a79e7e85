using System.Text.Json;
using Analytics.Ingestors.Csv;

namespace Analytics.Ingestors.Push;

/// <summary>A pushed JSON object's properties as record fields; properties the record does not know, or that are not scalars, are problems.</summary>
internal sealed class JsonRecordFields : IRecordFields
{
    private readonly JsonElement _element;
    private readonly HashSet<string> _lists;

    public JsonRecordFields(JsonElement element, IReadOnlyList<FieldSpec> fields)
    {
        _element = element;
        var known = fields.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        _lists = fields.Where(f => f.List).Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (!known.Contains(property.Name))
            {
                Problems.Add(new FieldError(property.Name, $"is not a known field; the fields are: {string.Join(", ", known)}"));
            }
            else if (_lists.Contains(property.Name) && property.Value.ValueKind == JsonValueKind.Array)
            {
                if (property.Value.EnumerateArray().Any(item => item.ValueKind != JsonValueKind.String || item.GetString()!.Contains(';')))
                {
                    Problems.Add(new FieldError(property.Name, "must be an array of strings (without ';'), or one string with the values separated by ';'"));
                }
            }
            else if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
            {
                Problems.Add(new FieldError(property.Name, "must be a string, number or boolean, not an object or array"));
            }
        }
    }

    public List<FieldError> Problems { get; } = [];

    public string? Get(string name)
    {
        if (!_element.TryGetProperty(name, out var value))
        {
            return null;
        }
        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!.Trim(),
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            // A list field's array reads as its CSV cell would: the values separated by ';'.
            JsonValueKind.Array when _lists.Contains(name) => string.Join(';', value.EnumerateArray().Where(item => item.ValueKind == JsonValueKind.String).Select(item => item.GetString()!.Trim())),
            _ => "",
        };
        return text.Length == 0 ? null : text;
    }
}
