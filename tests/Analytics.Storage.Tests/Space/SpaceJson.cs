using System.Text.Json;
using System.Text.Json.Serialization;

namespace Analytics.Storage.Tests.Space;

/// <summary>Structural equality for result records that hold lists (records compare lists by reference).</summary>
internal static class SpaceJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Of(object? value) => JsonSerializer.Serialize(value, Options);

    public static void Equal(object? expected, object? actual) => Assert.Equal(Of(expected), Of(actual));
}
