using System.Security.Cryptography;
using System.Text;
using Analytics.Storage.ClickHouse;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace Analytics.Web.Delivery;

/// <summary>
/// Where one delivery goes: <paramref name="Secret"/> is the address or webhook URL (used to send, never stored, logged
/// or shown), <paramref name="Label"/> what is shown instead (the address masked, or the team and chat kind).
/// </summary>
public sealed record DeliveryTarget(string Secret, string Label)
{
    /// <summary>What the store keeps to recognise the target: a SHA-256 of <see cref="Secret"/>, never the secret itself.</summary>
    public string Key { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Secret)));

    /// <summary><paramref name="text"/> (an error message) with the secret replaced by the label: a server may echo an address back.</summary>
    public string Redact(string text) => text.Replace(Secret, Label, StringComparison.OrdinalIgnoreCase);
}

/// <summary>What a run did: targets sent to, skipped as sent before for the period, and failed (their errors, redacted).</summary>
public sealed record DeliveryOutcome(string Period, int Sent, int Skipped, int Failed, IReadOnlyList<string> Errors);

/// <summary>
/// Sends one period's delivery to each target at most once: a target already sent for the period (by any instance, any
/// run before a restart) is skipped; a failed send is retried with exponential backoff (Polly) and recorded as failed
/// after <see cref="DeliveryOptions.MaxAttempts"/>, to be tried again by the next run. Runs take turns through the
/// store's <c>delivery</c> lock, so a scheduled run and a send command on another instance never send the same target twice.
/// </summary>
public sealed class DeliveryRunner(DeliveryLog log, IClickHouseStore store, IOptions<DeliveryOptions> options, TimeProvider clock, ILogger<DeliveryRunner> logger)
{
    /// <summary>How long a run may hold the lock unrenewed: longer than a run with every retry takes.</summary>
    private static readonly TimeSpan LockHold = TimeSpan.FromMinutes(30);

    private static readonly TimeSpan LockWait = TimeSpan.FromMinutes(10);

    /// <param name="kind">report-email or team-digest.</param>
    /// <param name="trigger">schedule or command: shown on the admin page.</param>
    /// <param name="isTransient">Whether a failure is worth retrying (a refused address or a 4xx answer is not).</param>
    /// <param name="resend">Send even to targets sent before for the period (the command's --resend).</param>
    public async Task<DeliveryOutcome> RunAsync(
        string kind, string period, string trigger, IReadOnlyList<DeliveryTarget> targets,
        Func<DeliveryTarget, CancellationToken, Task> send, Func<Exception, bool> isTransient, bool resend, CancellationToken cancellationToken)
    {
        var runId = Guid.NewGuid().ToString("N");
        var lease = new StoreLock(store, "delivery", LockHold);
        if (!await lease.AcquireAsync(LockWait, cancellationToken))
        {
            throw new InvalidOperationException($"Another delivery run has held the store's delivery lock for {LockWait.TotalMinutes:0} minutes; {kind} {period} was not sent.");
        }
        try
        {
            int sent = 0, skipped = 0, failed = 0;
            var errors = new List<string>();
            foreach (var target in targets.DistinctBy(target => target.Key))
            {
                var started = clock.GetUtcNow();
                if (!resend && await log.WasSentAsync(kind, period, target.Key, cancellationToken))
                {
                    skipped++;
                    await log.RecordAsync(new(runId, kind, period, target.Key, target.Label, trigger, started, clock.GetUtcNow(), DeliveryLog.Skipped, 0, ""), cancellationToken);
                    continue;
                }
                var attempts = 0;
                try
                {
                    await Pipeline(isTransient, kind, target).ExecuteAsync(async token =>
                    {
                        attempts++;
                        await send(target, token);
                    }, cancellationToken);
                    sent++;
                    await log.RecordAsync(new(runId, kind, period, target.Key, target.Label, trigger, started, clock.GetUtcNow(), DeliveryLog.Sent, attempts, ""), cancellationToken);
                    logger.LogInformation("Delivery {Kind} {Period} to {Target}: sent after {Attempts} attempt(s).", kind, period, target.Label, attempts);
                }
                catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    failed++;
                    var message = target.Redact(Describe(error));
                    errors.Add($"{target.Label}: {message}");
                    await log.RecordAsync(new(runId, kind, period, target.Key, target.Label, trigger, started, clock.GetUtcNow(), DeliveryLog.Failed, attempts, message), cancellationToken);
                    logger.LogError("Delivery {Kind} {Period} to {Target} failed after {Attempts} attempt(s): {Error}", kind, period, target.Label, attempts, message);
                }
            }
            return new DeliveryOutcome(period, sent, skipped, failed, errors);
        }
        finally
        {
            await lease.ReleaseAsync(CancellationToken.None);
        }
    }

    /// <summary>A failure as recorded: its kind, and the server's reply code where there is one (550, 404).</summary>
    private static string Describe(Exception error) => error switch
    {
        MailKit.Net.Smtp.SmtpCommandException smtp => $"SMTP {(int)smtp.StatusCode} ({smtp.ErrorCode}): {smtp.Message}",
        _ => $"{error.GetType().Name}: {error.Message}",
    };

    private ResiliencePipeline Pipeline(Func<Exception, bool> isTransient, string kind, DeliveryTarget target)
    {
        var settings = options.Value;
        if (settings.MaxAttempts <= 1)
        {
            return ResiliencePipeline.Empty;
        }
        return new ResiliencePipelineBuilder { TimeProvider = clock }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = settings.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                Delay = settings.RetryDelay,
                UseJitter = false,
                ShouldHandle = new PredicateBuilder().Handle<Exception>(error => error is not OperationCanceledException && isTransient(error)),
                OnRetry = arguments =>
                {
                    logger.LogWarning("Delivery {Kind} to {Target}: attempt {Attempt} failed ({Error}); retrying in {Delay}.",
                        kind, target.Label, arguments.AttemptNumber + 1, target.Redact(arguments.Outcome.Exception?.Message ?? ""), arguments.RetryDelay);
                    return default;
                },
            })
            .Build();
    }
}
