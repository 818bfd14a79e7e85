using System.Globalization;
using System.Net;
using Analytics.Ingestors.Sources;

namespace Analytics.Ingestors.GitLab;

/// <summary>GitLab answered with an error status. The message names the status and the address, never the token.</summary>
internal sealed class GitLabApiException(string message, HttpStatusCode status, string? retryAfter, string? rateLimitReset)
    : HttpRequestException(message, null, status)
{
    /// <summary>The <c>Retry-After</c> header (seconds), if any.</summary>
    public string? RetryAfter { get; } = retryAfter;

    /// <summary>The <c>RateLimit-Reset</c> header (Unix seconds), if any.</summary>
    public string? RateLimitReset { get; } = rateLimitReset;
}

/// <summary>
/// GitLab's answer could not be read as JSON (a body cut short by a proxy or a dropped connection): an I/O failure,
/// so it is retried like one.
/// </summary>
internal sealed class GitLabResponseException(string message) : IOException(message);

/// <summary>
/// GitLab's rate-limit rules: a throttled request is answered 429 with <c>Retry-After</c> (seconds) and
/// <c>RateLimit-Reset</c> (Unix seconds); every answered request counts, 304s included.
/// </summary>
internal sealed class GitLabRateLimits : RateLimitRules
{
    /// <summary>A 429 that says nothing: GitLab.com's throttles work in one-minute windows.</summary>
    internal static readonly TimeSpan DefaultWait = TimeSpan.FromMinutes(1);

    public override string Vendor => "GitLab";

    public override TimeSpan? RateLimitWait(Exception error, DateTimeOffset now)
    {
        if (error is not GitLabApiException { StatusCode: HttpStatusCode.TooManyRequests } limited)
        {
            return null;
        }
        if (RetryAfter(limited.RetryAfter) is { } retryAfter)
        {
            return retryAfter;
        }
        if (long.TryParse(limited.RateLimitReset, NumberStyles.Integer, CultureInfo.InvariantCulture, out var reset))
        {
            var wait = DateTimeOffset.FromUnixTimeSeconds(reset) - now + TimeSpan.FromSeconds(1);
            return wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1);
        }
        return DefaultWait;
    }
}
