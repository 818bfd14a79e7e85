using System.Net;
using Microsoft.Extensions.Logging;

namespace Analytics.Ingestors.Sources;

/// <summary>
/// Sits under a source's HTTP client: adds <c>If-None-Match</c> to a request when the caller set an ETag for it,
/// and counts what was sent. The ETag travels in an <see cref="AsyncLocal{T}"/> set around that one call, because a
/// client library may give no way to put a header on one request (Octokit 14's <c>IConnection.Get</c> takes
/// parameters and an Accept type only).
/// </summary>
/// <remarks>
/// A conditional request whose ETag still matches is answered 304 Not Modified, which GitHub (and GitLab) charge no
/// rate-limit point for; the client then sees a response with no body.
/// </remarks>
/// <param name="vendor">How log lines name the service, e.g. "GitHub".</param>
public sealed class ConditionalRequestHandler(string vendor, ILogger logger) : DelegatingHandler
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
            // Without validation: weak ETags (W/"…") are sent back exactly as they came.
            request.Headers.TryAddWithoutValidation("If-None-Match", etag);
        }
        Interlocked.Increment(ref _requests);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotModified)
        {
            Interlocked.Increment(ref _notModified);
        }
        // The address and status only: the Authorization header is never logged.
        logger.LogDebug("{Vendor} {Method} {Url} → {Status}", vendor, request.Method, request.RequestUri, (int)response.StatusCode);
        return response;
    }
}
