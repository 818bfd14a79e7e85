using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Polly;

namespace Analytics.Ingestors.Sources;

/// <summary>
/// An answer other than 2xx from a vendor's API: its status, the headers the rate-limit rules read (names lower-cased)
/// and a message naming the request and what the vendor said, never the request's credentials.
/// </summary>
public sealed class SourceHttpException(HttpStatusCode status, string message, IReadOnlyDictionary<string, string> headers)
    : HttpRequestException(message, null, status)
{
    public IReadOnlyDictionary<string, string> Headers { get; } = headers;

    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : null;
}

/// <summary>
/// A JSON REST API read with plain <see cref="HttpClient"/> (PagerDuty, Jira): one client per run over a
/// <see cref="ConditionalRequestHandler"/> (requests counted), every GET through <see cref="SourceResilience"/> with the
/// vendor's <see cref="RateLimitRules"/>. A body that does not parse (cut off on the way) counts as a dropped
/// connection: retried like one.
/// </summary>
public sealed class HttpJsonApi : IDisposable
{
    private readonly string _vendor;
    private readonly HttpClient _client;
    private readonly ConditionalRequestHandler _handler;
    private readonly ResiliencePipeline _pipeline;
    private readonly Func<JsonElement, string?> _errorMessage;

    /// <param name="baseUrl">The API root, ending with '/'; relative addresses resolve against it.</param>
    /// <param name="headers">Sets the vendor's Accept and Authorization headers on every request.</param>
    /// <param name="errorMessage">What an error body says (the vendor's error format), or null.</param>
    public HttpJsonApi(
        string vendor, Uri baseUrl, Action<HttpRequestHeaders> headers, Func<JsonElement, string?> errorMessage,
        RetrySettings retry, TimeSpan timeout, RateLimitRules rules, TimeProvider clock, ILogger logger)
    {
        _vendor = vendor;
        _errorMessage = errorMessage;
        _handler = new ConditionalRequestHandler(vendor, logger) { InnerHandler = new SocketsHttpHandler() };
        _client = new HttpClient(_handler, disposeHandler: false) { BaseAddress = baseUrl, Timeout = timeout };
        headers(_client.DefaultRequestHeaders);
        _pipeline = SourceResilience.Create(retry, rules, clock, logger);
    }

    /// <summary>Requests sent so far (retries included).</summary>
    public long Requests => _handler.Requests;

    public Uri Url(string relative) => new(_client.BaseAddress!, relative);

    /// <summary>The parsed body of a GET (retried and rate-limited as the vendor's rules say).</summary>
    /// <exception cref="SourceHttpException">The vendor answered an error that is not retried, or still failed after the retries.</exception>
    public Task<JsonElement> GetAsync(Uri url, CancellationToken cancellationToken) =>
        _pipeline.ExecuteAsync(async token =>
        {
            using var response = await _client.GetAsync(url, token);
            var body = await response.Content.ReadAsStringAsync(token);
            if (!response.IsSuccessStatusCode)
            {
                throw Error(url, response, body);
            }
            try
            {
                using var document = JsonDocument.Parse(body);
                return document.RootElement.Clone();
            }
            catch (JsonException)
            {
                throw new HttpRequestException($"{_vendor} sent an incomplete or malformed answer to GET {url.PathAndQuery} ({body.Length} characters).");
            }
        }, cancellationToken).AsTask();

    public void Dispose()
    {
        _client.Dispose();
        _handler.Dispose();
    }

    private SourceHttpException Error(Uri url, HttpResponseMessage response, string body)
    {
        var headers = response.Headers.Concat(response.Content.Headers)
            .GroupBy(h => h.Key.ToLowerInvariant())
            .ToDictionary(g => g.Key, g => string.Join(",", g.SelectMany(h => h.Value)), StringComparer.Ordinal);
        string? said = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            said = _errorMessage(document.RootElement);
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page): its status says enough, and its text may echo the request.
        }
        var status = (int)response.StatusCode;
        var hint = status switch
        {
            401 => " Check the source's credentials (they are not shown here).",
            403 => " The credentials are valid but lack a permission this source needs (docs/ingestion.md).",
            404 => " Check the source's BaseUrl and the names in its settings.",
            _ => "",
        };
        return new SourceHttpException(
            response.StatusCode,
            $"{_vendor} answered {status} {response.ReasonPhrase} to GET {url.PathAndQuery}{(said is { Length: > 0 } ? $": {said}" : "")}.{hint}",
            headers);
    }
}
