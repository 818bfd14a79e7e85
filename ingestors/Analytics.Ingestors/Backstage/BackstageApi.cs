using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Analytics.Ingestors.Sources;
using Microsoft.Extensions.Logging;
using Polly;

namespace Analytics.Ingestors.Backstage;

/// <summary>
/// Backstage's catalog and scaffolder REST APIs, one page at a time, with the static token as a bearer token: each
/// request retried by <see cref="SourceResilience"/> with <see cref="BackstageRateLimits"/>, conditional when an ETag
/// is given (<see cref="ConditionalRequestHandler"/>), and the answer's status turned into a message that says what to fix.
/// </summary>
internal sealed class BackstageApi : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient _client;
    private readonly ConditionalRequestHandler _handler;
    private readonly ResiliencePipeline _pipeline;
    private readonly string _tokenSetting;

    public BackstageApi(BackstageSourceSettings settings, TimeProvider clock, ILogger logger)
    {
        _handler = new ConditionalRequestHandler("Backstage", logger) { InnerHandler = new SocketsHttpHandler() };
        _client = new HttpClient(_handler) { BaseAddress = settings.BaseUrl, Timeout = settings.RequestTimeout };
        _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", settings.Token);
        _client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        _pipeline = SourceResilience.Create(
            new RetrySettings(settings.Name, settings.MaxRetries, settings.MaxRateLimitWait), new BackstageRateLimits(), clock, logger);
        _tokenSetting = $"{Runs.IngestSources.Section}:{settings.Name}:Token";
    }

    public long Requests => _handler.Requests;

    public long NotModified => _handler.NotModified;

    public Uri Url(string relative) => new(_client.BaseAddress!, relative);

    /// <summary>One page of a list: <paramref name="items"/> takes the items and the next page's token out of the body.</summary>
    public async Task<SourcePage<TItem>> GetPageAsync<TBody, TItem>(
        Uri url, string? etag, Func<TBody, (IReadOnlyList<TItem> Items, string? NextCursor, bool? More)> items, CancellationToken cancellationToken)
        where TBody : class =>
        await _pipeline.ExecuteAsync<SourcePage<TItem>>(async token =>
        {
            // Set inside the attempt's own async flow, so it reaches the handler and never leaks to other requests.
            ConditionalRequestHandler.IfNoneMatch = etag;
            using var response = await _client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, token);
            if (response.StatusCode == HttpStatusCode.NotModified)
            {
                return new SourcePage<TItem>(url, [], etag, NotModified: true);
            }
            await ThrowUnlessSuccessAsync(response, url, token);
            TBody? body;
            try
            {
                body = await response.Content.ReadFromJsonAsync<TBody>(Json, token);
            }
            catch (JsonException error)
            {
                // A truncated or non-JSON body (a proxy's error page): worth another try, like a 5xx.
                throw new BackstageApiException(HttpStatusCode.BadGateway, null, $"Backstage answered {Path(url)} with a body that is not the expected JSON ({error.Message}).");
            }
            if (body is null)
            {
                throw new BackstageApiException(HttpStatusCode.BadGateway, null, $"Backstage answered {Path(url)} with an empty body.");
            }
            var (list, next, more) = items(body);
            return new SourcePage<TItem>(url, list, response.Headers.ETag?.ToString()) { NextCursor = next, More = more };
        }, cancellationToken);

    public void Dispose()
    {
        _client.Dispose();
        _handler.Dispose();
    }

    private async Task ThrowUnlessSuccessAsync(HttpResponseMessage response, Uri url, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        var status = (int)response.StatusCode;
        var detail = await ErrorMessageAsync(response, cancellationToken);
        var message = response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => $"Backstage refused the token (401) for {Path(url)}: {_tokenSetting} must be one of the backend's backend.auth.externalAccess static tokens.",
            HttpStatusCode.Forbidden => $"Backstage forbids {Path(url)} to this token (403): give its subject read access to the catalog entities and the scaffolder's tasks.",
            HttpStatusCode.NotFound => $"Backstage has no {Path(url)} (404): check the source's BaseUrl points at the backend and that the catalog and scaffolder plugins are installed.",
            HttpStatusCode.TooManyRequests => $"Backstage's rate limit was hit (429) on {Path(url)}.",
            _ => $"Backstage answered {Path(url)} with HTTP {status}.",
        };
        throw new BackstageApiException(response.StatusCode, RateLimitRules.RetryAfter(response.Headers.RetryAfter?.Delta?.TotalSeconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture)),
            detail is null ? message : $"{message} It said: {detail}");
    }

    /// <summary>Backstage's error body (<c>{"error":{"name":…,"message":…}}</c>)'s message, shortened; null when there is none.</summary>
    private static async Task<string?> ErrorMessageAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            using var document = JsonDocument.Parse(text);
            return document.RootElement.TryGetProperty("error", out var error) && error.TryGetProperty("message", out var message)
                ? Shorten(message.GetString())
                : null;
        }
        catch (Exception error) when (error is JsonException or IOException or HttpRequestException)
        {
            return null;
        }
    }

    private static string? Shorten(string? text) => text is null ? null : text.Length <= 200 ? text : text[..200] + "…";

    private static string Path(Uri url) => url.AbsolutePath;
}

/// <summary>An answer of Backstage that is not a success; its message says what to fix and never holds the token.</summary>
internal sealed class BackstageApiException(HttpStatusCode status, TimeSpan? retryAfter, string message) : HttpRequestException(message, null, status)
{
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>
/// Backstage's rate limit (the backend's optional <c>backend.rateLimit</c>, express-rate-limit): 429 with a
/// <c>Retry-After</c> in seconds; without one, a minute.
/// </summary>
internal sealed class BackstageRateLimits : RateLimitRules
{
    public override string Vendor => "Backstage";

    public override TimeSpan? RateLimitWait(Exception error, DateTimeOffset now) =>
        error is BackstageApiException { StatusCode: HttpStatusCode.TooManyRequests } limited ? limited.RetryAfter ?? TimeSpan.FromMinutes(1) : null;
}
