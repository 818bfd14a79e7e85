namespace Analytics.Web.Delivery;

/// <summary>
/// Scheduled delivery (docs/operations.md, "Scheduled delivery"): the monthly leadership report by e-mail and each
/// team's weekly digest to a chat webhook. Nothing is sent until recipients or a webhook are configured.
/// </summary>
public sealed class DeliveryOptions
{
    public const string Section = "Analytics:Delivery";

    /// <summary>The dashboard's address as readers reach it (https://metrics.example.com/): the links in e-mails and chat messages start with it.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>Tries per target before a delivery is recorded as failed (1 = no retry).</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>The wait before the first retry; each further retry waits twice as long.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    public ReportEmailSettings Email { get; set; } = new();

    public DigestSettings Digest { get; set; } = new();
}

/// <summary>The monthly report by e-mail over SMTP (MailKit): one message per recipient.</summary>
public sealed class ReportEmailSettings
{
    /// <summary>08:00 on the first working day (Monday to Friday) of each month, in Analytics:Metrics:TimeZone.</summary>
    public const string DefaultCron = "0 0 8 1W * ?";

    /// <summary>Quartz cron, in Analytics:Metrics:TimeZone.</summary>
    public string Cron { get; set; } = DefaultCron;

    /// <summary>Who receives the report; empty = no scheduled e-mail.</summary>
    public string[] Recipients { get; set; } = [];

    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    public SmtpTls Tls { get; set; } = SmtpTls.StartTls;

    public string? User { get; set; }

    /// <summary>Secret: never logged, shown or recorded.</summary>
    public string? Password { get; set; }

    /// <summary>The sender's address, e.g. <c>Engineering metrics &lt;metrics@example.com&gt;</c>.</summary>
    public string? From { get; set; }
}

/// <summary>How the SMTP connection is protected (MailKit's SecureSocketOptions).</summary>
public enum SmtpTls
{
    /// <summary>TLS on connect for port 465, STARTTLS when the server offers it otherwise.</summary>
    Auto,

    /// <summary>Plain text: only for a relay on this machine (no password is sent unprotected elsewhere).</summary>
    None,

    /// <summary>STARTTLS, required.</summary>
    StartTls,

    /// <summary>TLS from the first byte (port 465).</summary>
    SslOnConnect,
}

/// <summary>Each team's weekly digest to a chat webhook.</summary>
public sealed class DigestSettings
{
    /// <summary>Mondays at 08:00 in Analytics:Metrics:TimeZone, for the week that ended at midnight.</summary>
    public const string DefaultCron = "0 0 8 ? * MON";

    /// <summary>Quartz cron, in Analytics:Metrics:TimeZone.</summary>
    public string Cron { get; set; } = DefaultCron;

    /// <summary>Secret: one webhook for every team (each team gets its own message); a team's own entry in <see cref="Teams"/> overrides it.</summary>
    public string? Url { get; set; }

    /// <summary>What <see cref="Url"/> takes: a Slack incoming webhook or a Microsoft Teams (Workflows) webhook.</summary>
    public ChatFormat Format { get; set; } = ChatFormat.Slack;

    /// <summary>Per team (by its slug): the team's own webhook.</summary>
    public Dictionary<string, TeamWebhook> Teams { get; set; } = new(StringComparer.Ordinal);
}

public sealed class TeamWebhook
{
    /// <summary>Secret: the team's webhook.</summary>
    public string? Url { get; set; }

    /// <summary>What <see cref="Url"/> takes; unset = Analytics:Delivery:Digest:Format.</summary>
    public ChatFormat? Format { get; set; }
}

public enum ChatFormat
{
    /// <summary>Slack incoming webhook: <c>{"text": …, "blocks": […]}</c> (Block Kit).</summary>
    Slack,

    /// <summary>Microsoft Teams (Workflows "post to a channel when a webhook request is received"): a message with an Adaptive Card.</summary>
    Teams,
}
