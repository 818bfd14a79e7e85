using Analytics.Ingestors.Sources;

namespace Analytics.Ingestors.PagerDuty;

/// <summary>
/// PagerDuty's REST API limit (per key, per minute): a 429 whose <c>ratelimit-reset</c> header says how many seconds
/// to wait (PagerDuty's "REST API Rate Limits" page), or <c>Retry-After</c>, or a whole window (a minute) when neither is sent.
/// </summary>
internal sealed class PagerDutyRateLimits : RateLimitRules
{
    internal static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    public override string Vendor => "PagerDuty";

    public override TimeSpan? RateLimitWait(Exception error, DateTimeOffset now) =>
        error is SourceHttpException { StatusCode: System.Net.HttpStatusCode.TooManyRequests } limited
            ? RetryAfter(limited.Header("ratelimit-reset")) ?? RetryAfter(limited.Header("Retry-After")) ?? Window
            : null;
}
