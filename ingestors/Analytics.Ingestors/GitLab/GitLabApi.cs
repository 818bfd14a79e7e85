using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Analytics.Ingestors.Sources;
using Microsoft.Extensions.Logging;
using Polly;

namespace Analytics.Ingestors.GitLab;

/// <summary>
/// GitLab's REST API v4, one page at a time: each request retried by <see cref="SourceResilience"/> with
/// <see cref="GitLabRateLimits"/>, conditional when an ETag is given, and the next page taken from the
/// <c>Link</c> header (<c>rel="next"</c>), or from <c>X-Next-Page</c> when a proxy dropped the Link header.
/// </summary>
/// <remarks>
/// Offset pagination: GitLab offers keyset pagination only on a few lists (all projects, users, a project's
/// jobs…), none of those read here. Totals are never used: GitLab leaves out <c>X-Total</c>, <c>X-Total-Pages</c>
/// and <c>rel="last"</c> past 10,000 items. Items stay JSON until <see cref="Records{T}"/> reads them one by one,
/// so one bad record is reported and skipped instead of failing its whole page.
/// </remarks>
internal sealed class GitLabApi : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly HttpClient _http;
    private readonly ConditionalRequestHandler _handler;
    private readonly ResiliencePipeline _pipeline;

    public GitLabApi(GitLabSourceSettings settings, TimeProvider clock, ILogger logger)
    {
        _handler = new ConditionalRequestHandler("GitLab", logger) { InnerHandler = new SocketsHttpHandler() };
        _http = new HttpClient(_handler, disposeHandler: false) { BaseAddress = settings.ApiAddress(), Timeout = settings.RequestTimeout };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("analytics", "1.0"));
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (settings.Authentication == GitLabSourceSettings.Bearer)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", settings.Token);
        }
        else
        {
            _http.DefaultRequestHeaders.TryAddWithoutValidation("PRIVATE-TOKEN", settings.Token);
        }
        _pipeline = SourceResilience.Create(
            new RetrySettings(settings.Name, settings.MaxRetries, settings.MaxRateLimitWait), new GitLabRateLimits(), clock, logger);
        PageSize = settings.PageSize;
    }

    public int PageSize { get; }

    /// <summary>Requests sent so far (retries and 304s included).</summary>
    public long Requests => _handler.Requests;

    public long NotModified => _handler.NotModified;

    /// <summary>An address under the REST root, e.g. <c>projects/acme%2Fshop/merge_requests?state=all</c>.</summary>
    public Uri Url(string relative) => new(_http.BaseAddress!, relative);

    /// <summary>A project's or group's full path as GitLab takes it in an address (<c>acme%2Fshop</c>).</summary>
    public static string Id(string fullPath) => Uri.EscapeDataString(fullPath);

    /// <summary>One object.</summary>
    public async Task<JsonElement> GetAsync(Uri url, CancellationToken cancellationToken) =>
        (await SendAsync(url, null, cancellationToken)).Body;

    /// <summary>One page of a list (a JSON array), or none when <paramref name="etag"/> still matches (304).</summary>
    public async Task<SourcePage<JsonElement>> GetPageAsync(Uri url, string? etag, CancellationToken cancellationToken)
    {
        var answer = await SendAsync(url, etag, cancellationToken);
        if (answer.NotModified)
        {
            return new SourcePage<JsonElement>(url, [], etag, NotModified: true);
        }
        if (answer.Body.ValueKind != JsonValueKind.Array)
        {
            throw new GitLabResponseException($"GitLab's answer to GET {url.AbsolutePath} is not a list.");
        }
        return new SourcePage<JsonElement>(url, answer.Body.EnumerateArray().ToList(), answer.ETag) { NextLink = answer.Next };
    }

    /// <summary>The pages of a list from <paramref name="first"/> on; only the first request is conditional. The caller stops early by breaking.</summary>
    public IAsyncEnumerable<SourcePage<JsonElement>> PagesAsync(Uri first, string? etag, CancellationToken cancellationToken) =>
        Pager.PagesAsync(first, etag, LinkPaging.Instance, GetPageAsync, cancellationToken);

    /// <summary>Every item of every page (a small list: a merge request's commits or notes).</summary>
    public Task<IReadOnlyList<JsonElement>> AllAsync(Uri url, CancellationToken cancellationToken) => Pager.AllAsync(PagesAsync(url, null, cancellationToken));

    /// <summary>
    /// The items that read as <typeparamref name="T"/>; each that does not is reported to <paramref name="bad"/>
    /// (what it is, and why) and left out.
    /// </summary>
    /// <param name="describe">Names an item for the report (its id, as far as it can be read).</param>
    public static List<T> Records<T>(IEnumerable<JsonElement> items, Func<JsonElement, string> describe, Action<string> bad)
    {
        var records = new List<T>();
        foreach (var item in items)
        {
            if (Read<T>(item, out var record, out var reason))
            {
                records.Add(record!);
            }
            else
            {
                bad($"{describe(item)} skipped: {reason}");
            }
        }
        return records;
    }

    /// <summary>One object read as <typeparamref name="T"/>, or false and why not.</summary>
    public static bool Read<T>(JsonElement item, out T? record, out string reason)
    {
        try
        {
            record = item.Deserialize<T>(Json);
            reason = record is null ? "it is null" : "";
            return record is not null;
        }
        catch (JsonException error)
        {
            // JsonException names the field ($.created_at) and what was wrong with it, never other values.
            (record, reason) = (default, error.Message);
            return false;
        }
    }

    /// <summary>A property of an item as text (for naming a bad record), or "?".</summary>
    public static string Field(JsonElement item, string name) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.Number or JsonValueKind.String
            ? value.ToString()
            : "?";

    public void Dispose()
    {
        _http.Dispose();
        _handler.Dispose();
    }

    private Task<Answer> SendAsync(Uri url, string? etag, CancellationToken cancellationToken) =>
        _pipeline.ExecuteAsync(async token =>
        {
            // Set inside the attempt's own async flow, so it reaches the handler and never leaks to other requests.
            ConditionalRequestHandler.IfNoneMatch = etag;
            using var response = await _http.GetAsync(url, HttpCompletionOption.ResponseContentRead, token);
            if (response.StatusCode == HttpStatusCode.NotModified)
            {
                return new Answer(default, etag, null, NotModified: true);
            }
            var text = await response.Content.ReadAsStringAsync(token);
            if (!response.IsSuccessStatusCode)
            {
                throw new GitLabApiException(
                    $"GitLab answered {(int)response.StatusCode} {response.ReasonPhrase} to GET {url.AbsolutePath}{ErrorMessage(text)}",
                    response.StatusCode, Header(response, "Retry-After"), Header(response, "RateLimit-Reset"));
            }
            JsonElement body;
            try
            {
                body = JsonSerializer.Deserialize<JsonElement>(text);
            }
            catch (JsonException)
            {
                throw new GitLabResponseException($"GitLab's answer to GET {url.AbsolutePath} was cut short or is not JSON ({text.Length} characters).");
            }
            return new Answer(body, response.Headers.ETag?.ToString(), NextPage(url, response), NotModified: false);
        }, cancellationToken).AsTask();

    /// <summary>The next page: the Link header's <c>rel="next"</c>, else <c>X-Next-Page</c> (empty on the last page).</summary>
    private static Uri? NextPage(Uri url, HttpResponseMessage response)
    {
        foreach (var link in (Header(response, "Link") ?? "").Split(','))
        {
            var parts = link.Split(';');
            if (parts.Length > 1 && parts.Skip(1).Any(p => p.Trim() is "rel=\"next\"" or "rel=next")
                && Uri.TryCreate(parts[0].Trim().TrimStart('<').TrimEnd('>'), UriKind.Absolute, out var next))
            {
                return next;
            }
        }
        return Header(response, "X-Next-Page") is { Length: > 0 } page ? Query.With(url, "page", page) : null;
    }

    /// <summary>GitLab's own words for an error (<c>{"message": …}</c> or <c>{"error": …}</c>), short; nothing for a body that is not JSON.</summary>
    private static string ErrorMessage(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var message = root.ValueKind != JsonValueKind.Object ? null
                : root.TryGetProperty("message", out var m) ? m.ToString()
                : root.TryGetProperty("error", out var e) ? e.ToString() : null;
            return string.IsNullOrWhiteSpace(message) ? "." : $": {(message.Length > 200 ? message[..200] + "…" : message)}";
        }
        catch (JsonException)
        {
            return ".";
        }
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private sealed record Answer(JsonElement Body, string? ETag, Uri? Next, bool NotModified);
}
