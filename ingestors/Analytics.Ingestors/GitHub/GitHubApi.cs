using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Octokit;
using Octokit.Internal;
using Polly;

namespace Analytics.Ingestors.GitHub;

/// <summary>One page of a list: its items, or <see cref="NotModified"/> when the ETag sent still matched.</summary>
/// <param name="Next">The absolute address of the next page from the Link header, or null on the last page.</param>
internal sealed record GitHubPage<T>(Uri Url, bool NotModified, IReadOnlyList<T> Items, string? ETag, Uri? Next);

/// <summary>
/// GitHub's REST API through Octokit's <see cref="IConnection"/>, one page at a time: each request conditional
/// when an ETag is given, retried by <see cref="GitHubResilience"/>, and the next page taken from the Link header
/// exactly as GitHub (or a GitHub Enterprise Server) wrote it. Paging by hand rather than with Octokit's
/// <c>GetAll</c>, which reads every page before returning: the caller stores each page's rows before asking for
/// the next, and stops once it reaches what it already has.
/// </summary>
internal sealed class GitHubApi : IDisposable
{
    private readonly Connection _connection;
    private readonly ConditionalRequestHandler _handler;
    private readonly ResiliencePipeline _pipeline;

    public GitHubApi(GitHubSourceSettings settings, TimeProvider clock, ILogger logger)
    {
        _handler = new ConditionalRequestHandler(logger) { InnerHandler = HttpMessageHandlerFactory.CreateDefault() };
        _connection = new Connection(
            new ProductHeaderValue("analytics"),
            GitHubSourceSettings.ApiAddress(settings.BaseUrl),
            new InMemoryCredentialStore(new Credentials(settings.Token)),
            new HttpClientAdapter(() => _handler),
            new SimpleJsonSerializer());
        _connection.SetRequestTimeout(settings.RequestTimeout);
        _pipeline = GitHubResilience.Create(settings, clock, logger);
        PageSize = settings.PageSize;
    }

    public int PageSize { get; }

    /// <summary>Requests sent so far (retries and 304s included).</summary>
    public long Requests => _handler.Requests;

    public long NotModified => _handler.NotModified;

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
    public Task<GitHubPage<T>> GetPageAsync<T>(Uri url, string? etag, CancellationToken cancellationToken) =>
        GetPageAsync<List<T>, T>(url, etag, body => body, cancellationToken);

    /// <summary>One page of a list wrapped in an object, e.g. <c>{"total_count":…,"workflow_runs":[…]}</c>.</summary>
    public async Task<GitHubPage<TItem>> GetPageAsync<TBody, TItem>(Uri url, string? etag, Func<TBody, IReadOnlyList<TItem>?> items, CancellationToken cancellationToken)
        where TBody : class
    {
        var response = await SendAsync<TBody>(url, etag, cancellationToken);
        var info = response.HttpResponse.ApiInfo;
        if (response.HttpResponse.StatusCode == HttpStatusCode.NotModified)
        {
            return new GitHubPage<TItem>(url, true, [], etag, null);
        }
        var list = response.Body is null ? [] : items(response.Body) ?? [];
        return new GitHubPage<TItem>(url, false, list, info?.Etag, info?.GetNextPageUrl());
    }

    /// <summary>
    /// The pages of a list from <paramref name="first"/> on, following Link headers. Only the first request is
    /// conditional (<paramref name="etag"/>): if it answers 304, that one page is yielded with
    /// <see cref="GitHubPage{T}.NotModified"/> and nothing more is read. The caller stops early by breaking.
    /// </summary>
    public IAsyncEnumerable<GitHubPage<T>> PagesAsync<T>(Uri first, string? etag, CancellationToken cancellationToken) =>
        PagesAsync<List<T>, T>(first, etag, body => body, cancellationToken);

    public async IAsyncEnumerable<GitHubPage<TItem>> PagesAsync<TBody, TItem>(
        Uri first, string? etag, Func<TBody, IReadOnlyList<TItem>?> items, [EnumeratorCancellation] CancellationToken cancellationToken)
        where TBody : class
    {
        Uri? url = first;
        var conditional = etag;
        while (url is not null)
        {
            var page = await GetPageAsync(url, conditional, items, cancellationToken);
            yield return page;
            if (page.NotModified)
            {
                yield break;
            }
            conditional = null;
            url = page.Next;
        }
    }

    public void Dispose() => _handler.Dispose();

    private Task<IApiResponse<T>> SendAsync<T>(Uri url, string? etag, CancellationToken cancellationToken) =>
        _pipeline.ExecuteAsync(async token =>
        {
            // Set inside the attempt's own async flow, so it reaches the handler and never leaks to other requests.
            ConditionalRequestHandler.IfNoneMatch = etag;
            return await _connection.Get<T>(url, new Dictionary<string, string>(), null, token);
        }, cancellationToken).AsTask();
}
