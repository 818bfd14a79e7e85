using System.Globalization;
using Analytics.Ingestors.Sources;
using Octokit;

namespace Analytics.Ingestors.GitHub;

/// <summary>GitHub's rate-limit rules, read from Octokit's <see cref="ApiException"/> and the response headers it keeps.</summary>
internal sealed class GitHubRateLimits : RateLimitRules
{
    /// <summary>Secondary rate limits without Retry-After: GitHub's documentation says to wait at least a minute.</summary>
    internal static readonly TimeSpan SecondaryRateLimitWait = TimeSpan.FromMinutes(1);

    public override string Vendor => "GitHub";

    /// <summary>
    /// How long GitHub asks to wait, or null when <paramref name="error"/> is not a rate limit: the primary limit
    /// (403 or 429 with <c>X-RateLimit-Remaining: 0</c>) until <c>X-RateLimit-Reset</c>; a secondary limit or a
    /// 429 for <c>Retry-After</c> seconds, or a minute when it does not say.
    /// </summary>
    public override TimeSpan? RateLimitWait(Exception error, DateTimeOffset now)
    {
        if (error is GitHubGraphQlRateLimitException graphQl)
        {
            // GraphQL's primary limit answers 200 with a RATE_LIMITED error; the reset is the same header's.
            return graphQl.ResetAt is { } reset ? Max(reset - now + TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)) : SecondaryRateLimitWait;
        }
        if (error is not ApiException api || (int)api.StatusCode is not (403 or 429))
        {
            return null;
        }
        if (IsPrimaryRateLimit(api) && Header(api, "X-RateLimit-Reset") is { } resetText
            && long.TryParse(resetText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var resetSeconds))
        {
            // One second more: the reset is given in whole seconds, and GitHub's clock may be a little behind.
            var wait = DateTimeOffset.FromUnixTimeSeconds(resetSeconds) - now + TimeSpan.FromSeconds(1);
            return wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1);
        }
        if (RetryAfter(Header(api, "Retry-After")) is { } retryAfter)
        {
            return retryAfter;
        }
        // Octokit raises a plain ApiException for 429, and these types for GitHub's secondary-limit messages.
        if ((int)api.StatusCode == 429 || api is SecondaryRateLimitExceededException or AbuseException
            || api.Message.Contains("secondary rate limit", StringComparison.OrdinalIgnoreCase))
        {
            return SecondaryRateLimitWait;
        }
        return null;
    }

    public override string LimitName(Exception error) =>
        error is GitHubGraphQlRateLimitException || (error is ApiException api && IsPrimaryRateLimit(api)) ? "primary rate limit" : "secondary rate limit";

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    public override int? StatusOf(Exception error) => error is ApiException api ? (int)api.StatusCode : base.StatusOf(error);

    private static bool IsPrimaryRateLimit(ApiException error) => Header(error, "X-RateLimit-Remaining") == "0";

    private static string? Header(ApiException error, string name) =>
        error.HttpResponse?.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}
