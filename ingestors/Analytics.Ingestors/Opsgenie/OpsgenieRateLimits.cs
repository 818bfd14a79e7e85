using System.Globalization;
using Analytics.Ingestors.Sources;

namespace Analytics.Ingestors.Opsgenie;

/// <summary>
/// Opsgenie's rate limits (its "Rate Limiting" page): a token bucket per request domain (the Incident API is its own
/// domain, the Service API in Configuration), checked per minute and per second. A throttled request is answered 429
/// with <c>X-RateLimit-State: THROTTLED</c>, <c>X-RateLimit-Reason</c> (which limit) and <c>X-RateLimit-Period-In-Sec</c>
/// (that limit's window): the wait is a <c>Retry-After</c> when one is sent, else that window, else a minute.
/// </summary>
internal sealed class OpsgenieRateLimits : RateLimitRules
{
    internal static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    public override string Vendor => "Opsgenie";

    public override TimeSpan? RateLimitWait(Exception error, DateTimeOffset now) =>
        error is SourceHttpException { StatusCode: System.Net.HttpStatusCode.TooManyRequests } limited
            ? RetryAfter(limited.Header("Retry-After")) ?? RetryAfter(limited.Header("X-RateLimit-Period-In-Sec")) ?? Window
            : null;

    public override string LimitName(Exception error) =>
        error is SourceHttpException limited && limited.Header("X-RateLimit-Reason") is { Length: > 0 } reason
            ? string.Create(CultureInfo.InvariantCulture, $"rate limit ({reason})")
            : base.LimitName(error);
}
