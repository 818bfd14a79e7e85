using System.Net;
using Microsoft.Extensions.Logging;

namespace Analytics.Ingestors.GitHub;

/// <summary>
/// Sits under Octokit's <c>HttpClientAdapter</c>: adds <c>If-None-Match</c> to a request when the caller set an
/// ETag for it, and counts what was sent. Octokit 14 has no way to put a header on one request (its
/// <c>IConnection.Get</c> takes parameters and an Accept type only), so the ETag travels in an
/// <see cref="AsyncLocal{T}"/> set by <see cref="GitHubApi"/> around that one call.
/// </summary>
/// <remarks>
/// GitHub answers a conditional request whose ETag still matches with 304 Not Modified, which costs no rate-limit
/// point; Octokit passes a 304 through as a response with no body.
/// </remarks>
internal sealed class ConditionalRequestHandler(ILogger logger) : DelegatingHandler
{
    private static readonly AsyncLocal<string?> IfNoneMatchValue = new();
    private long _requests;
    private long _notModified;

    /// <summary>The ETag for the request being sent in this async flow; null = an unconditional request.</summary>
    public static string? IfNoneMatch
    {
        get => IfNoneMatchValue.Value;
        set => IfNoneMatchValue.Value = value;
    }

    /// <summary>Requests sent, retries and the 304s included.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Requests answered 304 Not Modified (free of rate limit).</summary>
    public long NotModified => Interlocked.Read(ref _notModified);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (IfNoneMatch is { Length: > 0 } etag)
        {
            // Without validation: GitHub's weak ETags (W/"…") are sent back exactly as they came.
            request.Headers.TryAddWithoutValidation("If-None-Match", etag);
        }
        Interlocked.Increment(ref _requests);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotModified)
        {
            Interlocked.Increment(ref _notModified);
        }
        // The address and status only: the Authorization header is never logged.
        logger.LogDebug("GitHub {Method} {Url} → {Status}", request.Method, request.RequestUri, (int)response.StatusCode);
        return response;
    }
}
