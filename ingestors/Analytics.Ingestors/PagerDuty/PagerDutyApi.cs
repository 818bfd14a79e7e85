using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Analytics.Ingestors.Csv;
using Analytics.Ingestors.Sources;
using Microsoft.Extensions.Logging;

namespace Analytics.Ingestors.PagerDuty;

/// <summary>
/// PagerDuty's REST API v2: <c>Accept: application/vnd.pagerduty+json;version=2</c>, <c>Authorization: Token token=…</c>,
/// classic offset paging (<c>offset</c>, <c>limit</c>, <c>more</c>). PagerDuty sends no ETags, so nothing is conditional.
/// </summary>
internal sealed class PagerDutyApi(PagerDutySourceSettings settings, TimeProvider clock, ILogger logger) : IDisposable
{
    private readonly HttpJsonApi _http = new(
        "PagerDuty", settings.BaseUrl,
        headers =>
        {
            headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse("application/vnd.pagerduty+json;version=2"));
            headers.TryAddWithoutValidation("Authorization", $"Token token={settings.Token}");
        },
        ErrorMessage,
        new RetrySettings(settings.Name, settings.MaxRetries, settings.MaxRateLimitWait), settings.RequestTimeout, new PagerDutyRateLimits(), clock, logger);

    private readonly OffsetPaging _paging = new("offset", settings.PageSize);

    public long Requests => _http.Requests;

    /// <summary>
    /// The incidents created in [<paramref name="since"/>, <paramref name="until"/>), oldest first, page by page
    /// (<c>GET /incidents</c> with <c>time_zone=UTC</c> and, when configured, <c>service_ids[]</c>).
    /// </summary>
    public IAsyncEnumerable<SourcePage<JsonElement>> IncidentPagesAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken) =>
        IncidentPagesAsync($"since={Time(since)}&until={Time(until)}", cancellationToken);

    /// <summary>
    /// The incidents open now (<c>statuses[]</c> triggered and acknowledged), whenever created (<c>date_range=all</c>),
    /// oldest first, page by page: one listing where reading each open incident by id would cost a request each.
    /// </summary>
    public IAsyncEnumerable<SourcePage<JsonElement>> OpenIncidentPagesAsync(CancellationToken cancellationToken) =>
        IncidentPagesAsync($"date_range=all&{Uri.EscapeDataString("statuses[]")}=triggered&{Uri.EscapeDataString("statuses[]")}=acknowledged", cancellationToken);

    private IAsyncEnumerable<SourcePage<JsonElement>> IncidentPagesAsync(string range, CancellationToken cancellationToken)
    {
        var query = $"incidents?{range}&time_zone=UTC&sort_by=created_at:asc&total=false&limit={settings.PageSize}&offset=0"
            + string.Concat(settings.ServiceIds.Select(id => $"&{Uri.EscapeDataString("service_ids[]")}={Uri.EscapeDataString(id)}"));
        return Pager.PagesAsync(_http.Url(query), null, _paging, async (url, _, token) =>
        {
            var body = await _http.GetAsync(url, token);
            var items = PulledRecords.Items(body, "incidents").ToList();
            var more = body.TryGetProperty("more", out var flag) && flag.ValueKind is JsonValueKind.True or JsonValueKind.False ? flag.GetBoolean() : (bool?)null;
            return new SourcePage<JsonElement>(url, items, null) { More = more };
        }, cancellationToken);
    }

    /// <summary>One incident (<c>GET /incidents/{id}</c>); null when PagerDuty no longer has it (404).</summary>
    public async Task<JsonElement?> IncidentAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            var body = await _http.GetAsync(_http.Url($"incidents/{Uri.EscapeDataString(id)}"), cancellationToken);
            return PulledRecords.Object(body, "incident") is { ValueKind: JsonValueKind.Object } incident ? incident : null;
        }
        catch (SourceHttpException error) when (error.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>The change events PagerDuty relates to an incident (<c>GET /incidents/{id}/related_change_events</c>).</summary>
    public async Task<IReadOnlyList<JsonElement>> RelatedChangeEventsAsync(string id, CancellationToken cancellationToken)
    {
        var body = await _http.GetAsync(_http.Url($"incidents/{Uri.EscapeDataString(id)}/related_change_events"), cancellationToken);
        return PulledRecords.Items(body, "change_events").ToList();
    }

    public void Dispose() => _http.Dispose();

    /// <summary>PagerDuty's error object: <c>{"error":{"message":…,"code":…,"errors":[…]}}</c>.</summary>
    private static string? ErrorMessage(JsonElement body)
    {
        var error = PulledRecords.Object(body, "error");
        var message = PulledRecords.Text(error, "message");
        var details = PulledRecords.Items(error, "errors").Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()).ToList();
        return message is null ? null : details.Count == 0 ? message : $"{message} ({string.Join("; ", details)})";
    }

    private static string Time(DateTimeOffset time) =>
        Uri.EscapeDataString(time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
}
