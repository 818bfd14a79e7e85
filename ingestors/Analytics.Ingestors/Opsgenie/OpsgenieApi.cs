using System.Globalization;
using System.Text.Json;
using Analytics.Ingestors.Csv;
using Analytics.Ingestors.Sources;
using Microsoft.Extensions.Logging;

namespace Analytics.Ingestors.Opsgenie;

/// <summary>
/// Opsgenie's Incident API (v1) and Service API: <c>Authorization: GenieKey …</c>, answers wrapped as
/// <c>{"data":…,"paging":{"next":…},"took":…,"requestId":…}</c>, lists paged by <c>offset</c>/<c>limit</c> with the next
/// page's address in <c>paging.next</c> (absent on the last page). Opsgenie sends no ETags, so nothing is conditional.
/// </summary>
internal sealed class OpsgenieApi(OpsgenieSourceSettings settings, TimeProvider clock, ILogger logger) : IDisposable
{
    private readonly HttpJsonApi _http = new(
        "Opsgenie", settings.BaseUrl,
        headers =>
        {
            headers.Accept.ParseAdd("application/json");
            headers.TryAddWithoutValidation("Authorization", $"GenieKey {settings.ApiKey}");
        },
        ErrorMessage,
        new RetrySettings(settings.Name, settings.MaxRetries, settings.MaxRateLimitWait), settings.RequestTimeout, new OpsgenieRateLimits(), clock, logger);

    public long Requests => _http.Requests;

    /// <summary>
    /// The incidents created in [<paramref name="since"/>, <paramref name="until"/>), oldest first, page by page
    /// (<c>GET /v1/incidents?query=createdAt &gt;= … AND createdAt &lt; …</c>, times in epoch milliseconds as Opsgenie's
    /// search queries take them, <c>sort=createdAt&amp;order=asc</c>).
    /// </summary>
    public IAsyncEnumerable<SourcePage<JsonElement>> IncidentPagesAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken) =>
        IncidentPagesAsync($"createdAt >= {Millis(since)} AND createdAt < {Millis(until)}", cancellationToken);

    /// <summary>The incidents open now (<c>query=status: open</c>), whenever created, oldest first, page by page.</summary>
    public IAsyncEnumerable<SourcePage<JsonElement>> OpenIncidentPagesAsync(CancellationToken cancellationToken) =>
        IncidentPagesAsync("status: open", cancellationToken);

    /// <summary>One incident (<c>GET /v1/incidents/{id}?identifierType=id</c>); null when Opsgenie no longer has it (404).</summary>
    public async Task<JsonElement?> IncidentAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            var body = await _http.GetAsync(_http.Url($"v1/incidents/{Uri.EscapeDataString(id)}?identifierType=id"), cancellationToken);
            return PulledRecords.Object(body, "data") is { ValueKind: JsonValueKind.Object } incident ? incident : null;
        }
        catch (SourceHttpException error) when (error.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Every service of the account (<c>GET /v1/services</c>), id → name.</summary>
    public async Task<IReadOnlyDictionary<string, string>> ServicesAsync(CancellationToken cancellationToken)
    {
        var services = await Pager.AllAsync(PagesAsync($"v1/services?limit=100&offset=0", cancellationToken));
        return services
            .Select(s => (Id: PulledRecords.Text(s, "id"), Name: PulledRecords.Text(s, "name")))
            .Where(s => s.Id is not null && s.Name is not null)
            .DistinctBy(s => s.Id)
            .ToDictionary(s => s.Id!, s => s.Name!, StringComparer.Ordinal);
    }

    private IAsyncEnumerable<SourcePage<JsonElement>> IncidentPagesAsync(string query, CancellationToken cancellationToken) =>
        PagesAsync($"v1/incidents?query={Uri.EscapeDataString(query)}&offset=0&limit={settings.PageSize}&sort=createdAt&order=asc", cancellationToken);

    private IAsyncEnumerable<SourcePage<JsonElement>> PagesAsync(string first, CancellationToken cancellationToken) =>
        Pager.PagesAsync(_http.Url(first), null, LinkPaging.Instance, async (url, _, token) =>
        {
            var body = await _http.GetAsync(url, token);
            var items = PulledRecords.Items(body, "data").ToList();
            var next = PulledRecords.Text(PulledRecords.Object(body, "paging"), "next");
            // An empty page ends the list whatever its links say, so a server that always links on cannot loop.
            return new SourcePage<JsonElement>(url, items, null)
            {
                NextLink = items.Count > 0 && Uri.TryCreate(next, UriKind.Absolute, out var link) ? link : null,
            };
        }, cancellationToken);

    public void Dispose() => _http.Dispose();

    /// <summary>Opsgenie's error body: <c>{"message":…,"errors":{field: reason},"took":…,"requestId":…}</c>.</summary>
    private static string? ErrorMessage(JsonElement body)
    {
        var message = PulledRecords.Text(body, "message");
        var errors = PulledRecords.Object(body, "errors");
        var details = errors.ValueKind == JsonValueKind.Object
            ? errors.EnumerateObject().Where(e => e.Value.ValueKind == JsonValueKind.String).Select(e => $"{e.Name}: {e.Value.GetString()}").ToList()
            : [];
        return message is null ? null : details.Count == 0 ? message : $"{message} ({string.Join("; ", details)})";
    }

    private static string Millis(DateTimeOffset time) => time.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
}
