using System.Globalization;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Analytics.Ingestors.Sources;

/// <summary>How a source's requests are retried: its name (for the log), transient retries, and the longest rate-limit wait it accepts.</summary>
/// <param name="MaxRetries">Retries of a transient failure; 0 = none.</param>
/// <param name="MaxRateLimitWait">A rate limit asking for a longer wait fails the run instead.</param>
public sealed record RetrySettings(string Source, int MaxRetries, TimeSpan MaxRateLimitWait);

/// <summary>A vendor's rules for reading its errors: which are rate limits and how long they ask to wait.</summary>
public abstract class RateLimitRules
{
    /// <summary>How log lines name the service, e.g. "GitHub".</summary>
    public abstract string Vendor { get; }

    /// <summary>How long the vendor asks to wait before asking again, or null when <paramref name="error"/> is no rate limit.</summary>
    public abstract TimeSpan? RateLimitWait(Exception error, DateTimeOffset now);

    /// <summary>The limit <paramref name="error"/> hit, as the log names it (e.g. "secondary rate limit").</summary>
    public virtual string LimitName(Exception error) => "rate limit";

    /// <summary>The HTTP status <paramref name="error"/> carries, or null (a connection that failed, a timeout).</summary>
    public virtual int? StatusOf(Exception error) => error is HttpRequestException { StatusCode: { } status } ? (int)status : null;

    /// <summary>A <c>Retry-After</c> header's wait in seconds (at least one), or null when it says none.</summary>
    public static TimeSpan? RetryAfter(string? header) =>
        int.TryParse(header, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) ? TimeSpan.FromSeconds(Math.Max(1, seconds)) : null;
}

/// <summary>
/// How one request of a source is retried: an outer retry that waits as long as the vendor asks when a rate limit
/// is hit (<see cref="RateLimitRules"/>), around an inner retry with exponential backoff and jitter for 5xx answers,
/// timeouts and dropped connections. Both wait on the given <see cref="TimeProvider"/>, so tests run them on a fake
/// clock instead of sleeping.
/// </summary>
public static class SourceResilience
{
    // Several windows may be hit in one long run; past this many waits in a row something else is wrong.
    private const int MaxRateLimitWaits = 10;

    public static ResiliencePipeline Create(RetrySettings settings, RateLimitRules rules, TimeProvider clock, ILogger logger)
    {
        var name = rules.Vendor.ToLowerInvariant();
        return new ResiliencePipelineBuilder { TimeProvider = clock }
            .AddRetry(new RetryStrategyOptions
            {
                Name = $"{name}-rate-limit",
                MaxRetryAttempts = MaxRateLimitWaits,
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } error && rules.RateLimitWait(error, clock.GetUtcNow()) is { } wait && wait <= settings.MaxRateLimitWait),
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } error ? rules.RateLimitWait(error, clock.GetUtcNow()) : null),
                OnRetry = args =>
                {
                    // Visible in the log (and so in the app's console) while the run waits.
                    var error = args.Outcome.Exception!;
                    logger.LogWarning(
                        "{Vendor} {Limit} hit ({Status}); source {Source} waits {Wait} until {Until:O} before going on.",
                        rules.Vendor, rules.LimitName(error), rules.StatusOf(error), settings.Source, args.RetryDelay, clock.GetUtcNow() + args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            })
            .AddRetry(new RetryStrategyOptions
            {
                Name = $"{name}-transient",
                MaxRetryAttempts = Math.Max(1, settings.MaxRetries),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromSeconds(1),
                MaxDelay = TimeSpan.FromMinutes(1),
                ShouldHandle = args => ValueTask.FromResult(settings.MaxRetries > 0 && IsTransient(rules, args.Outcome.Exception, args.Context.CancellationToken)),
                OnRetry = args =>
                {
                    logger.LogWarning(
                        "{Vendor} request of source {Source} failed ({Error}); retry {Attempt} of {Max} in {Delay}.",
                        rules.Vendor, settings.Source, Describe(rules, args.Outcome.Exception), args.AttemptNumber + 1, settings.MaxRetries, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>Worth another try: a 5xx answer, a connection that failed, or a request that timed out (not one the caller cancelled).</summary>
    public static bool IsTransient(RateLimitRules rules, Exception? error, CancellationToken callerToken) => error switch
    {
        null => false,
        _ when rules.StatusOf(error) is { } status => status >= 500,
        HttpRequestException => true,
        // HttpClient's own timeout surfaces as a cancellation that nobody asked for.
        OperationCanceledException => !callerToken.IsCancellationRequested,
        TimeoutException => true,
        IOException => true,
        _ => false,
    };

    private static string Describe(RateLimitRules rules, Exception? error) => error switch
    {
        null => "no answer",
        _ when rules.StatusOf(error) is { } status => $"HTTP {status}",
        OperationCanceledException => "timed out",
        _ => error.GetType().Name,
    };
}
