using Microsoft.Extensions.Options;
using MimeKit;
using Quartz;

namespace Analytics.Web.Delivery;

/// <summary>Checks Analytics:Delivery at start-up; each failure names the setting. Secrets are never quoted back.</summary>
public sealed class DeliveryOptionsValidator : IValidateOptions<DeliveryOptions>
{
    public ValidateOptionsResult Validate(string? name, DeliveryOptions options)
    {
        var failures = new List<string>();
        const string at = DeliveryOptions.Section;
        if (options.PublicUrl is { Length: > 0 } publicUrl && !IsHttpUrl(publicUrl))
        {
            failures.Add($"{at}:PublicUrl must be an absolute http or https address, not '{publicUrl}'.");
        }
        if (options.MaxAttempts is < 1 or > 10)
        {
            failures.Add($"{at}:MaxAttempts must be 1–10, not {options.MaxAttempts}.");
        }
        if (options.RetryDelay <= TimeSpan.Zero || options.RetryDelay > TimeSpan.FromHours(1))
        {
            failures.Add($"{at}:RetryDelay must be positive and at most an hour, not {options.RetryDelay}.");
        }
        ValidateEmail(options.Email, failures);
        ValidateDigest(options, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateEmail(ReportEmailSettings email, List<string> failures)
    {
        const string at = DeliveryOptions.Section + ":Email";
        if (!CronExpression.TryParse(email.Cron, out _))
        {
            failures.Add($"{at}:Cron '{email.Cron}' is not a Quartz cron expression (seconds minutes hours day-of-month month day-of-week).");
        }
        if (email.Port is < 1 or > 65535)
        {
            failures.Add($"{at}:Port must be 1–65535, not {email.Port}.");
        }
        for (var i = 0; i < email.Recipients.Length; i++)
        {
            if (!MailboxAddress.TryParse(email.Recipients[i], out _))
            {
                // The address itself is personal data: named by its position only.
                failures.Add($"{at}:Recipients:{i} is not an e-mail address.");
            }
        }
        if (email.From is { Length: > 0 } from && !MailboxAddress.TryParse(from, out _))
        {
            failures.Add($"{at}:From is not an e-mail address.");
        }
        if (email.Password is { Length: > 0 } && string.IsNullOrEmpty(email.User))
        {
            failures.Add($"{at}:Password is set without {at}:User.");
        }
        if (email.Password is { Length: > 0 } && email.Tls == SmtpTls.None && !IsLoopback(email.Host))
        {
            failures.Add($"{at}:Tls is None: the password would cross the network unencrypted; use StartTls or SslOnConnect (None is only for a relay on this machine).");
        }
        if (email.Recipients.Length > 0)
        {
            if (string.IsNullOrWhiteSpace(email.Host))
            {
                failures.Add($"{at}:Host is required when {at}:Recipients are set.");
            }
            if (string.IsNullOrWhiteSpace(email.From))
            {
                failures.Add($"{at}:From is required when {at}:Recipients are set.");
            }
        }
    }

    private static void ValidateDigest(DeliveryOptions options, List<string> failures)
    {
        const string at = DeliveryOptions.Section + ":Digest";
        var digest = options.Digest;
        if (!CronExpression.TryParse(digest.Cron, out _))
        {
            failures.Add($"{at}:Cron '{digest.Cron}' is not a Quartz cron expression (seconds minutes hours day-of-month month day-of-week).");
        }
        // A webhook URL is a secret: never quoted back.
        if (digest.Url is { Length: > 0 } url && !IsHttpUrl(url))
        {
            failures.Add($"{at}:Url is not an absolute http or https address.");
        }
        foreach (var (team, webhook) in digest.Teams)
        {
            if (string.IsNullOrWhiteSpace(webhook.Url) || !IsHttpUrl(webhook.Url))
            {
                failures.Add($"{at}:Teams:{team}:Url is not an absolute http or https address.");
            }
        }
        if ((digest.Url is { Length: > 0 } || digest.Teams.Count > 0) && string.IsNullOrWhiteSpace(options.PublicUrl))
        {
            failures.Add($"{DeliveryOptions.Section}:PublicUrl is required with a digest webhook: each digest links to its team's page.");
        }
    }

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    private static bool IsLoopback(string? host) =>
        host is "localhost" || (System.Net.IPAddress.TryParse(host, out var address) && System.Net.IPAddress.IsLoopback(address));
}
