using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Analytics.Ingestors.Csv;
using Analytics.Ingestors.Sources;
using Microsoft.Extensions.Logging;

namespace Analytics.Ingestors.Jira;

/// <summary>
/// Jira's issue search, in the flavour configured: Cloud's <c>GET /rest/api/3/search/jql</c> (paged by
/// <c>nextPageToken</c> until <c>isLast</c>; basic auth with email and API token; the old <c>/rest/api/3/search</c> is
/// removed) or Data Center's <c>GET /rest/api/2/search</c> (paged by <c>startAt</c>, <c>maxResults</c>, <c>total</c>;
/// a personal access token as bearer). Jira sends no ETags for searches, so nothing is conditional.
/// </summary>
internal sealed class JiraApi : IDisposable
{
    private readonly JiraSourceSettings _settings;
    private readonly HttpJsonApi _http;

    public JiraApi(JiraSourceSettings settings, TimeProvider clock, ILogger logger)
    {
        _settings = settings;
        Authorization = settings.Flavour == JiraSourceSettings.Cloud
            ? "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{settings.Email}:{settings.Token}"))
            : "Bearer " + settings.Token;
        _http = new HttpJsonApi(
            "Jira", settings.BaseUrl,
            headers =>
            {
                headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                headers.TryAddWithoutValidation("Authorization", Authorization);
            },
            ErrorMessage,
            new RetrySettings(settings.Name, settings.MaxRetries, settings.MaxRateLimitWait), settings.RequestTimeout, new JiraRateLimits(), clock, logger);
    }

    /// <summary>The Authorization header's value: masked out of every error, like the token itself.</summary>
    public string Authorization { get; }

    public long Requests => _http.Requests;

    /// <summary>The issues <paramref name="jql"/> finds, page by page, with <paramref name="fields"/> (and the changelog when asked for).</summary>
    public IAsyncEnumerable<SourcePage<JsonElement>> SearchAsync(string jql, IEnumerable<string> fields, bool changelog, CancellationToken cancellationToken)
    {
        var cloud = _settings.Flavour == JiraSourceSettings.Cloud;
        var query = $"{(cloud ? "rest/api/3/search/jql" : "rest/api/2/search")}?jql={Uri.EscapeDataString(jql)}&fields={Uri.EscapeDataString(string.Join(',', fields))}"
            + $"&maxResults={_settings.PageSize}{(changelog ? "&expand=changelog" : "")}{(cloud ? "" : "&startAt=0")}";
        IPaging paging = cloud ? new CursorPaging("nextPageToken") : new OffsetPaging("startAt", _settings.PageSize);
        return Pager.PagesAsync(_http.Url(query), null, paging, async (url, _, token) =>
        {
            var body = await _http.GetAsync(url, token);
            var issues = PulledRecords.Items(body, "issues").ToList();
            if (cloud)
            {
                var last = body.TryGetProperty("isLast", out var isLast) && isLast.ValueKind == JsonValueKind.True;
                return new SourcePage<JsonElement>(url, issues, null) { NextCursor = last ? null : PulledRecords.Text(body, "nextPageToken") };
            }
            var startAt = Number(body, "startAt");
            var total = Number(body, "total");
            return new SourcePage<JsonElement>(url, issues, null) { More = total is null ? null : (startAt ?? 0) + issues.Count < total };
        }, cancellationToken);
    }

    public void Dispose() => _http.Dispose();

    /// <summary>Jira's error body: <c>{"errorMessages":[…],"errors":{"field":"message"}}</c>.</summary>
    private static string? ErrorMessage(JsonElement body)
    {
        var messages = PulledRecords.Items(body, "errorMessages").Where(m => m.ValueKind == JsonValueKind.String).Select(m => m.GetString()!).ToList();
        if (PulledRecords.Object(body, "errors") is { ValueKind: JsonValueKind.Object } errors)
        {
            messages.AddRange(errors.EnumerateObject().Select(e => $"{e.Name}: {e.Value}"));
        }
        return messages.Count == 0 ? null : string.Join("; ", messages);
    }

    private static long? Number(JsonElement body, string property) =>
        body.TryGetProperty(property, out var value) && value.TryGetInt64(out var number) ? number : null;
}

/// <summary>
/// Jira's rate limits: a 429 with <c>Retry-After</c> (seconds), or Cloud's <c>X-RateLimit-Reset</c> (an ISO time) when
/// that is missing, else a minute.
/// </summary>
internal sealed class JiraRateLimits : RateLimitRules
{
    public override string Vendor => "Jira";

    public override TimeSpan? RateLimitWait(Exception error, DateTimeOffset now)
    {
        if (error is not SourceHttpException { StatusCode: System.Net.HttpStatusCode.TooManyRequests } limited)
        {
            return null;
        }
        if (RetryAfter(limited.Header("Retry-After")) is { } retryAfter)
        {
            return retryAfter;
        }
        return DateTimeOffset.TryParse(limited.Header("X-RateLimit-Reset"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var reset) && reset > now
            ? reset - now
            : TimeSpan.FromMinutes(1);
    }
}
