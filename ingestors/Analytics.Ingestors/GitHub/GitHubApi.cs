using System.Net;
using System.Text.Json;
using Analytics.Ingestors.GitHub.App;
using Analytics.Ingestors.Sources;
using Microsoft.Extensions.Logging;
using Octokit;
using Octokit.Internal;
using Polly;

namespace Analytics.Ingestors.GitHub;

/// <summary>
/// GitHub's REST API through Octokit's <see cref="IConnection"/>, one page at a time: each request conditional
/// when an ETag is given, retried by <see cref="SourceResilience"/> with <see cref="GitHubRateLimits"/>, and the next
/// page taken from the Link header exactly as GitHub (or a GitHub Enterprise Server) wrote it. Paging by hand rather than with Octokit's
/// <c>GetAll</c>, which reads every page before returning: the caller stores each page's rows before asking for
/// the next, and stops once it reaches what it already has.
/// </summary>
internal sealed class GitHubApi : IDisposable
{
    private readonly Connection _connection;
    private readonly ConditionalRequestHandler _handler;
    private readonly ResiliencePipeline _pipeline;
    private readonly Uri _graphQl;
    private long _graphQlRequests;
    private long _graphQlPoints;

    /// <param name="appTokens">The installation tokens of a source that signs in as a GitHub App; unused with a token.</param>
    public GitHubApi(GitHubSourceSettings settings, TimeProvider clock, ILogger logger, GitHubAppTokens? appTokens = null)
    {
        _handler = new ConditionalRequestHandler("GitHub", logger) { InnerHandler = HttpMessageHandlerFactory.CreateDefault() };
        _connection = new Connection(
            new ProductHeaderValue("analytics"),
            GitHubSourceSettings.ApiAddress(settings.BaseUrl),
            settings.App is null ? new InMemoryCredentialStore(new Credentials(settings.Token))
            : (appTokens ?? throw new ArgumentNullException(nameof(appTokens))).CredentialStore(settings, HttpMessageHandlerFactory.CreateDefault),
            new HttpClientAdapter(() => _handler),
            new SimpleJsonSerializer());
        _connection.SetRequestTimeout(settings.RequestTimeout);
        _pipeline = SourceResilience.Create(
            new RetrySettings(settings.Name, settings.MaxRetries, settings.MaxRateLimitWait), new GitHubRateLimits(), clock, logger);
        PageSize = settings.PageSize;
        _graphQl = GitHubSourceSettings.GraphQlAddress(settings.BaseUrl);
    }

    public int PageSize { get; }

    /// <summary>Requests sent so far (retries and 304s included).</summary>
    public long Requests => _handler.Requests;

    public long NotModified => _handler.NotModified;

    /// <summary>Of <see cref="Requests"/>, the GraphQL queries sent (retries included).</summary>
    public long GraphQlRequests => Interlocked.Read(ref _graphQlRequests);

    /// <summary>GraphQL rate-limit points spent, as each answer's <c>rateLimit.cost</c> said.</summary>
    public long GraphQlPoints => Interlocked.Read(ref _graphQlPoints);

    /// <summary>An address under the REST root, e.g. <c>repos/acme/shop/pulls?state=all</c>.</summary>
    public Uri Url(string relative) => new(_connection.BaseAddress, relative);

    /// <summary>One object, or null when <paramref name="etag"/> still matches (304).</summary>
    public async Task<(T? Body, string? ETag, bool NotModified)> GetAsync<T>(Uri url, string? etag, CancellationToken cancellationToken) where T : class
    {
        var response = await SendAsync<T>(url, etag, cancellationToken);
        return response.HttpResponse.StatusCode == HttpStatusCode.NotModified
            ? (null, etag, true)
            : (response.Body, response.HttpResponse.ApiInfo?.Etag, false);
    }

    /// <summary>One page of a list whose body is a JSON array.</summary>
    public Task<SourcePage<T>> GetPageAsync<T>(Uri url, string? etag, CancellationToken cancellationToken) =>
        GetPageAsync<List<T>, T>(url, etag, body => body, cancellationToken);

    /// <summary>One page of a list wrapped in an object, e.g. <c>{"total_count":…,"workflow_runs":[…]}</c>.</summary>
    public async Task<SourcePage<TItem>> GetPageAsync<TBody, TItem>(Uri url, string? etag, Func<TBody, IReadOnlyList<TItem>?> items, CancellationToken cancellationToken)
        where TBody : class
    {
        var response = await SendAsync<TBody>(url, etag, cancellationToken);
        var info = response.HttpResponse.ApiInfo;
        if (response.HttpResponse.StatusCode == HttpStatusCode.NotModified)
        {
            return new SourcePage<TItem>(url, [], etag, NotModified: true);
        }
        var list = response.Body is null ? [] : items(response.Body) ?? [];
        var next = info?.GetNextPageUrl();
        return new SourcePage<TItem>(url, list, info?.Etag) { NextLink = next, Next = next };
    }

    /// <summary>
    /// The pages of a list from <paramref name="first"/> on, following Link headers; only the first request is
    /// conditional (see <see cref="Pager.PagesAsync{T}"/>). The caller stops early by breaking.
    /// </summary>
    public IAsyncEnumerable<SourcePage<T>> PagesAsync<T>(Uri first, string? etag, CancellationToken cancellationToken) =>
        PagesAsync<List<T>, T>(first, etag, body => body, cancellationToken);

    public IAsyncEnumerable<SourcePage<TItem>> PagesAsync<TBody, TItem>(
        Uri first, string? etag, Func<TBody, IReadOnlyList<TItem>?> items, CancellationToken cancellationToken)
        where TBody : class =>
        Pager.PagesAsync(first, etag, LinkPaging.Instance, (url, conditional, token) => GetPageAsync(url, conditional, items, token), cancellationToken);

    /// <summary>Every page of a small list (a pull request's commits or reviews, a repository's tags).</summary>
    public Task<IReadOnlyList<T>> AllAsync<T>(Uri url, CancellationToken cancellationToken) => Pager.AllAsync(PagesAsync<T>(url, null, cancellationToken));

    /// <summary>
    /// One GraphQL query (POST to <c>/graphql</c>), retried as every request is; its <c>data</c>. The query must ask for
    /// <c>rateLimit { cost remaining resetAt }</c>: its cost is added to <see cref="GraphQlPoints"/>. An answer with
    /// <c>errors</c> throws (see <see cref="GitHubGraphQl.Read"/>): a partial answer or a timeout is retried like a
    /// dropped connection, an exhausted rate limit is waited for until its reset.
    /// </summary>
    public Task<JsonElement> QueryAsync(string query, IReadOnlyDictionary<string, object?> variables, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, object?> { ["query"] = query, ["variables"] = variables });
        return _pipeline.ExecuteAsync(async token =>
        {
            ConditionalRequestHandler.IfNoneMatch = null;
            Interlocked.Increment(ref _graphQlRequests);
            // A string body is sent as it is; the answer's text is read here (Octokit's own parse of it is not used).
            var response = await _connection.Post<object>(_graphQl, body, "application/json", "application/json", new Dictionary<string, string>(), token);
            var (data, cost) = GitHubGraphQl.Read(response.HttpResponse.Body as string ?? "", Header(response.HttpResponse, "X-RateLimit-Reset"));
            Interlocked.Add(ref _graphQlPoints, cost);
            return data;
        }, cancellationToken).AsTask();
    }

    public void Dispose() => _handler.Dispose();

    private static string? Header(IResponse response, string name) =>
        response.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    private Task<IApiResponse<T>> SendAsync<T>(Uri url, string? etag, CancellationToken cancellationToken) =>
        _pipeline.ExecuteAsync(async token =>
        {
            // Set inside the attempt's own async flow, so it reaches the handler and never leaks to other requests.
            ConditionalRequestHandler.IfNoneMatch = etag;
            return await _connection.Get<T>(url, new Dictionary<string, string>(), null, token);
        }, cancellationToken).AsTask();
}
