using System.Globalization;
using System.Net;
using System.Text;
using Analytics.Web.Queries;
using Analytics.Web.Utils;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Analytics.Web.Delivery;

/// <summary>
/// The monthly leadership report by e-mail: its key figures in the HTML body, its monthly charts as inline PNG images
/// (<c>cid:</c>), and its CSV tables attached, byte for byte the files /api/reports/monthly/… serves. One message per
/// recipient (recipients never see each other), each sent at most once per month (<see cref="DeliveryRunner"/>).
/// </summary>
public sealed class ReportMailer(MonthlyReportQueries reports, DoraTierChoice tiers, DeliveryRunner runner, IOptions<DeliveryOptions> options)
{
    public const string Kind = "report-email";

    /// <summary>Sends <paramref name="month"/>'s report (null: the last whole month) to <paramref name="to"/> (empty: the configured recipients).</summary>
    /// <exception cref="InvalidOperationException">No SMTP host, sender or recipient is configured (the message names the setting).</exception>
    public async Task<DeliveryOutcome> SendAsync(DateOnly? month, IReadOnlyList<string> to, string trigger, bool resend, CancellationToken cancellationToken)
    {
        var settings = options.Value.Email;
        const string at = DeliveryOptions.Section + ":Email";
        var recipients = to.Count > 0 ? to : settings.Recipients;
        if (recipients.Count == 0)
        {
            throw new InvalidOperationException($"No recipient: set {at}:Recipients or name one (--to).");
        }
        if (string.IsNullOrWhiteSpace(settings.Host) || !MailboxAddress.TryParse(settings.From, out var from))
        {
            throw new InvalidOperationException($"Set {at}:Host and {at}:From to send the report by e-mail.");
        }
        var targets = new List<DeliveryTarget>();
        foreach (var recipient in recipients)
        {
            if (!MailboxAddress.TryParse(recipient, out var address))
            {
                throw new InvalidOperationException($"'{Mask(recipient)}' is not an e-mail address.");
            }
            targets.Add(new DeliveryTarget(address.Address.ToLowerInvariant(), Mask(address.Address)));
        }
        var report = await reports.LoadAsync(month ?? reports.MonthOf(null), tiers.For(null), cancellationToken);
        return await runner.RunAsync(Kind, report.Month.ToString("yyyy-MM", CultureInfo.InvariantCulture), trigger, targets,
            (target, token) => SendOneAsync(Compose(report, from, new MailboxAddress(null, target.Secret), options.Value.PublicUrl), token),
            IsTransient, resend, cancellationToken);
    }

    private async Task SendOneAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        var settings = options.Value.Email;
        using var client = new SmtpClient { Timeout = (int)TimeSpan.FromMinutes(2).TotalMilliseconds };
        await client.ConnectAsync(settings.Host!, settings.Port, Secure(settings.Tls), cancellationToken);
        if (!string.IsNullOrEmpty(settings.User))
        {
            await client.AuthenticateAsync(settings.User, settings.Password ?? "", cancellationToken);
        }
        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
    }

    private static SecureSocketOptions Secure(SmtpTls tls) => tls switch
    {
        SmtpTls.None => SecureSocketOptions.None,
        SmtpTls.SslOnConnect => SecureSocketOptions.SslOnConnect,
        SmtpTls.StartTls => SecureSocketOptions.StartTls,
        _ => SecureSocketOptions.Auto,
    };

    /// <summary>Connection trouble and 4xx answers pass; a refused address or sign-in (5xx, authentication) does not.</summary>
    internal static bool IsTransient(Exception error) => error switch
    {
        SmtpCommandException command => (int)command.StatusCode < 500,
        AuthenticationException => false,
        _ => error is IOException or System.Net.Sockets.SocketException or SmtpProtocolException or ServiceNotConnectedException or TimeoutException,
    };

    /// <summary>An address as shown and logged: its first character and its domain (j…@example.com).</summary>
    public static string Mask(string address)
    {
        var at = address.LastIndexOf('@');
        return at <= 0 ? "…" : $"{address[0]}…{address[at..]}";
    }

    /// <summary>The message: key figures as HTML, the series charts inline, the CSV tables attached.</summary>
    public static MimeMessage Compose(MonthlyReport report, MailboxAddress from, MailboxAddress to, string? publicUrl)
    {
        var monthName = report.Month.ToString("MMMM yyyy", CultureInfo.InvariantCulture);
        var message = new MimeMessage();
        message.From.Add(from);
        message.To.Add(to);
        message.Subject = $"Monthly engineering report: {monthName}{(report.Partial ? " (partial month)" : "")}";
        var body = new BodyBuilder();
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<h1>Monthly engineering report: {Encode(monthName)}</h1>");
        if (report.Partial)
        {
            html.Append("<p><strong>The month is not over: its figures cover part of it.</strong></p>");
        }
        var previousName = report.Month.AddMonths(-1).ToString("MMMM yyyy", CultureInfo.InvariantCulture);
        html.Append(CultureInfo.InvariantCulture,
            $"<table border=\"1\" cellpadding=\"4\" cellspacing=\"0\"><thead><tr><th>Key</th><th>{Encode(monthName)}</th><th>{Encode(previousName)}</th><th>Change</th><th>Trend</th><th>Tier</th></tr></thead><tbody>");
        foreach (var key in report.Keys)
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<tr data-key=\"{key.Id}\"><th scope=\"row\">{Encode(key.Name)}</th><td>{Figures.Optional(key.Value)}</td><td>{Figures.Optional(key.Previous)}</td><td>{Figures.Change(key.Change)}</td><td>{key.Trend}</td><td>{key.Tier?.ToString() ?? "no tier"}</td></tr>");
        }
        html.Append("</tbody></table>");
        if (publicUrl is { Length: > 0 })
        {
            var page = new Uri(new Uri(publicUrl.TrimEnd('/') + "/"), DashboardUrls.MonthlyReportUrl(report.Month));
            html.Append(CultureInfo.InvariantCulture, $"<p><a href=\"{Encode(page.AbsoluteUri)}\">The whole report on the dashboard</a></p>");
        }
        foreach (var panel in report.Panels.Where(panel => panel.Kind == Dashboards.PanelKinds.DoraSeries))
        {
            var name = $"{panel.Id}.png";
            var chart = MonthlyReportFiles.Find(report, name) ?? throw new InvalidOperationException($"The report has no chart {name}.");
            var image = body.LinkedResources.Add(name, chart.Content, ContentType.Parse(chart.ContentType));
            image.ContentId = $"{panel.Id}@report";
            html.Append(CultureInfo.InvariantCulture, $"<h2>{Encode(panel.Title)}</h2><img src=\"cid:{image.ContentId}\" alt=\"{Encode(panel.Title)} (the figures are in the attached CSV files)\">");
        }
        foreach (var name in MonthlyReportFiles.Names(report).Where(name => name.EndsWith(".csv", StringComparison.Ordinal)))
        {
            var file = MonthlyReportFiles.Find(report, name)!.Value;
            var attachment = body.Attachments.Add(MonthlyReportFiles.DownloadName(report, name), file.Content, ContentType.Parse(file.ContentType));
            // Base64 keeps the file's bytes (its line ends) exactly as the API serves them.
            ((MimePart)attachment).ContentTransferEncoding = ContentEncoding.Base64;
        }
        body.HtmlBody = html.ToString();
        body.TextBody = $"Monthly engineering report: {monthName}. " + string.Join("; ",
            report.Keys.Select(key => $"{key.Name}: {Figures.Optional(key.Value)} ({Figures.Change(key.Change)}, {key.Trend})")) + ". The tables are attached as CSV files.";
        message.Body = body.ToMessageBody();
        return message;
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
