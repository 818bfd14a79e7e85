using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Analytics.Web.Tests.Hosting;

/// <summary>Reads the JSON API the way a portal would: web defaults, tiers as names.</summary>
public static class DoraApiClient
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static string Query(DateTimeOffset from, DateTimeOffset to) =>
        $"from={Uri.EscapeDataString(from.ToString("O", CultureInfo.InvariantCulture))}&to={Uri.EscapeDataString(to.ToString("O", CultureInfo.InvariantCulture))}";

    /// <param name="tiers">The benchmark year of the tiers (?tiers=); null = the configured one.</param>
    public static async Task<DoraResult> GetDoraAsync(this HttpClient http, DateTimeOffset? from = null, DateTimeOffset? to = null, int? tiers = null)
    {
        var path = from is { } f && to is { } t ? $"api/dora?{Query(f, t)}" : "api/dora";
        path += tiers is { } year ? $"{(path.Contains('?') ? '&' : '?')}tiers={year}" : "";
        return await http.GetFromJsonAsync<DoraResult>(path, Json) ?? throw new InvalidOperationException($"GET {path} returned null.");
    }

    public static async Task<DoraSummary> GetTeamDoraAsync(this HttpClient http, string team, DateTimeOffset from, DateTimeOffset to)
    {
        var path = $"api/teams/{Uri.EscapeDataString(team)}/dora?{Query(from, to)}";
        return await http.GetFromJsonAsync<DoraSummary>(path, Json) ?? throw new InvalidOperationException($"GET {path} returned null.");
    }
}
