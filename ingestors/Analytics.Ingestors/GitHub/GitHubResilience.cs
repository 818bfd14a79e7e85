using System.Globalization;
using Microsoft.Extensions.Logging;
using Octokit;
using Polly;
using Polly.Retry;

namespace Analytics.Ingestors.GitHub;

/// <summary>
/// How one GitHub request is retried: an outer retry that waits as long as GitHub asks when a rate limit is hit,
/// around an inner retry with exponential backoff and jitter for 5xx answers, timeouts and dropped connections.
/// Both wait on the given <see cref="TimeProvider"/>, so tests run them on a fake clock instead of sleeping.
/// </summary>
internal static class GitHubResilience
{
    /// <summary>Secondary rate limits without Retry-After: GitHub's documentation says to wait at least a minute.</summary>
    internal static readonly TimeSpan SecondaryRateLimitWait = TimeSpan.FromMinutes(1);

    // Several windows may be hit in one long run; past this many waits in a row something else is wrong.
    private const int MaxRateLimitWaits = 10;

    public static ResiliencePipeline Create(GitHubSourceSettings settings, TimeProvider clock, ILogger logger)
    {
        return new ResiliencePipelineBuilder { TimeProvider = clock }
            .AddRetry(new RetryStrategyOptions
            {
                Name = "github-rate-limit",
                MaxRetryAttempts = MaxRateLimitWaits,
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is ApiException error && RateLimitWait(error, clock.GetUtcNow()) is { } wait && wait <= settings.MaxRateLimitWait),
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Exception is ApiException error ? RateLimitWait(error, clock.GetUtcNow()) : null),
                OnRetry = args =>
                {
                    // Visible in the log (and so in the app's console) while the run waits.
                    var error = (ApiException)args.Outcome.Exception!;
                    logger.LogWarning(
                        "GitHub {Kind} rate limit hit ({Status}); source {Source} waits {Wait} until {Until:O} before going on.",
                        IsPrimaryRateLimit(error) ? "primary" : "secondary", (int)error.StatusCode, settings.Name,
                        args.RetryDelay, clock.GetUtcNow() + args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            })
            .AddRetry(new RetryStrategyOptions
            {
                Name = "github-transient",
                MaxRetryAttempts = Math.Max(1, settings.MaxRetries),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromSeconds(1),
                MaxDelay = TimeSpan.FromMinutes(1),
                ShouldHandle = args => ValueTask.FromResult(settings.MaxRetries > 0 && IsTransient(args.Outcome.Exception, args.Context.CancellationToken)),
                OnRetry = args =>
                {
                    logger.LogWarning(
                        "GitHub request of source {Source} failed ({Error}); retry {Attempt} of {Max} in {Delay}.",
                        settings.Name, Describe(args.Outcome.Exception), args.AttemptNumber + 1, settings.MaxRetries, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>
    /// How long GitHub asks to wait, or null when <paramref name="error"/> is not a rate limit: the primary limit
    /// (403 or 429 with <c>X-RateLimit-Remaining: 0</c>) until <c>X-RateLimit-Reset</c>; a secondary limit or a
    /// 429 for <c>Retry-After</c> seconds, or a minute when it does not say.
    /// </summary>
    internal static TimeSpan? RateLimitWait(ApiException error, DateTimeOffset now)
    {
        var status = (int)error.StatusCode;
        if (status is not (403 or 429))
        {
            return null;
        }
        if (IsPrimaryRateLimit(error) && Header(error, "X-RateLimit-Reset") is { } resetText
            && long.TryParse(resetText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var resetSeconds))
        {
            // One second more: the reset is given in whole seconds, and GitHub's clock may be a little behind.
            var wait = DateTimeOffset.FromUnixTimeSeconds(resetSeconds) - now + TimeSpan.FromSeconds(1);
            return wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1);
        }
        if (Header(error, "Retry-After") is { } retryAfter && int.TryParse(retryAfter, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(Math.Max(1, seconds));
        }
        // Octokit raises a plain ApiException for 429, and these types for GitHub's secondary-limit messages.
        if (status == 429 || error is SecondaryRateLimitExceededException or AbuseException
            || error.Message.Contains("secondary rate limit", StringComparison.OrdinalIgnoreCase))
        {
            return SecondaryRateLimitWait;
        }
        return null;
    }

    internal static bool IsPrimaryRateLimit(ApiException error) => Header(error, "X-RateLimit-Remaining") == "0";

    /// <summary>Worth another try: a 5xx answer, a connection that failed, or a request that timed out (not one the caller cancelled).</summary>
    internal static bool IsTransient(Exception? error, CancellationToken callerToken) => error switch
    {
        null => false,
        ApiException api => (int)api.StatusCode >= 500,
        HttpRequestException => true,
        // HttpClient's own timeout surfaces as a cancellation that nobody asked for.
        OperationCanceledException => !callerToken.IsCancellationRequested,
        TimeoutException => true,
        IOException => true,
        _ => false,
    };

    private static string? Header(ApiException error, string name) =>
        error.HttpResponse?.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    private static string Describe(Exception? error) => error switch
    {
        ApiException api => $"HTTP {(int)api.StatusCode}",
        OperationCanceledException => "timed out",
        null => "no answer",
        _ => error.GetType().Name,
    };
}
