using System.Globalization;
using Analytics.Web.Delivery;
using Analytics.Web.Queries;
using Microsoft.Extensions.Options;
using MimeKit;
using SmtpServer.Protocol;

namespace Analytics.Web.Tests.Delivery;

/// <summary>
/// The monthly report by e-mail, received by a real SMTP server on loopback from the real host over the demo
/// organisation: subject, key figures, charts inline by cid, and CSV attachments equal to the export endpoints' bodies;
/// sent once per month and recipient (again, after a "restart", and from two instances at once); retried and recorded.
/// </summary>
[Collection(AnalyticsAppCollection.Name)]
public sealed class ReportEmailDeliveryTests(AnalyticsAppFixture app)
{
    private static DateOnly LastWholeMonth => new DateOnly(DateTime.UtcNow.Year, DateTime.UtcNow.Month, 1).AddMonths(-1);

    /// <summary>A recipient no other test uses: each test's deliveries are its own in the shared store.</summary>
    private static string NewRecipient(string name) => $"{name}.{Guid.NewGuid():N}@example.com";

    /// <summary>A mailer as a separate app instance would build it, sending to <paramref name="smtp"/> (no TLS: a loopback relay).</summary>
    private ReportMailer Mailer(LoopbackSmtpServer smtp, int maxAttempts = 3, string? user = null, string? password = null)
    {
        var options = Options.Create(new DeliveryOptions
        {
            PublicUrl = app.BaseAddress.AbsoluteUri,
            MaxAttempts = maxAttempts,
            RetryDelay = TimeSpan.FromMilliseconds(50),
            Email = new ReportEmailSettings
            {
                Host = "127.0.0.1", Port = smtp.Port, Tls = SmtpTls.None, From = "Engineering metrics <metrics@example.com>", User = user, Password = password,
            },
        });
        var runner = ActivatorUtilities.CreateInstance<DeliveryRunner>(app.Services, options);
        return ActivatorUtilities.CreateInstance<ReportMailer>(app.Services, runner, options);
    }

    [Fact]
    public async Task The_report_arrives_with_its_figures_inline_charts_by_cid_and_the_exported_csvs_attached_once_per_month_and_recipient()
    {
        await using var smtp = new LoopbackSmtpServer();
        string[] recipients = [NewRecipient("cto"), NewRecipient("vp")];

        var outcome = await Mailer(smtp).SendAsync(LastWholeMonth, recipients, DeliveryScheduling.CommandTrigger, resend: false, CancellationToken.None);

        Assert.Equal((2, 0, 0), (outcome.Sent, outcome.Skipped, outcome.Failed));
        Assert.Equal(recipients.Order(), smtp.Messages.Select(message => message.To.Mailboxes.Single().Address).Order());
        var report = await app.Services.GetRequiredService<MonthlyReportQueries>().LoadAsync(LastWholeMonth, app.Services.GetRequiredService<DoraTierChoice>().For(null));
        var month = LastWholeMonth.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        foreach (var message in smtp.Messages)
        {
            Assert.Equal($"Monthly engineering report: {LastWholeMonth.ToString("MMMM yyyy", CultureInfo.InvariantCulture)}", message.Subject);
            Assert.Equal("metrics@example.com", message.From.Mailboxes.Single().Address);
            var html = message.HtmlBody;
            // Key figures inline, as the page shows them.
            foreach (var key in report.Keys)
            {
                Assert.Contains($"<tr data-key=\"{key.Id}\">", html, StringComparison.Ordinal);
                Assert.Contains($"<td>{Analytics.Web.Utils.Figures.Optional(key.Value)}</td>", html, StringComparison.Ordinal);
            }
            Assert.Contains($"reports/monthly?month={month}", html, StringComparison.Ordinal);
            // Every series chart is an inline PNG the HTML references by its Content-ID.
            var images = message.BodyParts.OfType<MimePart>().Where(part => part.ContentType.MimeType == "image/png").ToList();
            Assert.Equal(["change-failure-rate", "deployments", "lead-time", "recovery"], images.Select(image => image.ContentId!.Split('@')[0]).Order());
            Assert.All(images, image =>
            {
                Assert.Contains($"src=\"cid:{image.ContentId}\"", html, StringComparison.Ordinal);
                Assert.False(image.IsAttachment);
                Assert.Equal(ReadAll(image).Take(8), new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A });
            });
            // Each CSV attached is the export endpoint's body, byte for byte.
            var csvs = message.Attachments.OfType<MimePart>().ToList();
            var expected = MonthlyReportFiles.Names(report).Where(name => name.EndsWith(".csv", StringComparison.Ordinal)).ToList();
            Assert.Equal(expected.Select(name => $"leadership-{month}-{name}").Order(), csvs.Select(csv => csv.FileName).Order());
            Assert.Contains("keys-trend.csv", expected);
            foreach (var name in expected)
            {
                var served = await app.Http.GetByteArrayAsync($"api/reports/monthly/{name}?month={month}");
                Assert.Equal(served, ReadAll(csvs.Single(csv => csv.FileName == $"leadership-{month}-{name}")));
            }
        }

        // Sent again (a new instance: as after a restart): each recipient already has this month's report.
        var again = await Mailer(smtp).SendAsync(LastWholeMonth, recipients, DeliveryScheduling.ScheduleTrigger, resend: false, CancellationToken.None);
        Assert.Equal((0, 2, 0), (again.Sent, again.Skipped, again.Failed));
        Assert.Equal(2, smtp.Messages.Count);

        // Both runs are on the admin page's list, the second as skipped; no address is stored in full.
        var runs = await app.Services.GetRequiredService<DeliveryLog>().RecentRunsAsync(100);
        Assert.Contains(runs, run => run.Kind == ReportMailer.Kind && run.Period == month && run.Sent == 2 && run.Trigger == "command");
        Assert.Contains(runs, run => run.Kind == ReportMailer.Kind && run.Period == month && run.Skipped == 2 && run.Sent == 0 && run.Trigger == "schedule");
    }

    [Fact]
    public async Task Two_instances_sending_the_same_month_at_once_deliver_one_message_per_recipient()
    {
        await using var smtp = new LoopbackSmtpServer();
        string[] recipients = [NewRecipient("board"), NewRecipient("cfo")];
        var month = LastWholeMonth.AddMonths(-1);

        var outcomes = await Task.WhenAll(
            Mailer(smtp).SendAsync(month, recipients, DeliveryScheduling.ScheduleTrigger, resend: false, CancellationToken.None),
            Mailer(smtp).SendAsync(month, recipients, DeliveryScheduling.ScheduleTrigger, resend: false, CancellationToken.None));

        Assert.Equal(2, smtp.Messages.Count);
        Assert.Equal(recipients.Order(), smtp.Messages.Select(message => message.To.Mailboxes.Single().Address).Order());
        Assert.Equal(2, outcomes.Sum(outcome => outcome.Sent));
        Assert.Equal(2, outcomes.Sum(outcome => outcome.Skipped));
    }

    [Fact]
    public async Task A_transient_refusal_is_retried_and_a_permanent_one_is_recorded_with_the_address_masked()
    {
        await using var smtp = new LoopbackSmtpServer();
        var patient = NewRecipient("patient");
        var refused = NewRecipient("refused");
        var month = LastWholeMonth.AddMonths(-2);
        var patientTries = 0;
        smtp.Answer = (_, message) =>
        {
            var to = message.To.Mailboxes.Single().Address;
            if (to == refused)
            {
                // The server names the address in its refusal: the record must not.
                return new SmtpResponse((SmtpReplyCode)550, $"mailbox {refused} unavailable");
            }
            return ++patientTries == 1 ? new SmtpResponse((SmtpReplyCode)451, "try again later") : null;
        };

        var outcome = await Mailer(smtp).SendAsync(month, [patient, refused], DeliveryScheduling.CommandTrigger, resend: false, CancellationToken.None);

        Assert.Equal((1, 0, 1), (outcome.Sent, outcome.Skipped, outcome.Failed));
        Assert.Equal(patient, smtp.Messages.Single().To.Mailboxes.Single().Address);
        Assert.Equal(2, patientTries);
        var error = Assert.Single(outcome.Errors);
        Assert.DoesNotContain(refused, error, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(ReportMailer.Mask(refused), error, StringComparison.Ordinal);
        Assert.Contains("550", error, StringComparison.Ordinal);
        var run = (await app.Services.GetRequiredService<DeliveryLog>().RecentRunsAsync(100))
            .Single(run => run.Period == month.ToString("yyyy-MM", CultureInfo.InvariantCulture) && run.Failed == 1);
        // One try for the refused address (a 5xx is not retried), two for the patient one.
        Assert.Equal(3ul, run.Attempts);
        Assert.DoesNotContain(refused, run.Errors, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(app.Log.Entries.Select(entry => entry.Message), line => line.Contains(refused, StringComparison.OrdinalIgnoreCase) || line.Contains(patient, StringComparison.OrdinalIgnoreCase));

        // The failed recipient is tried again by the next run; the one that got it is not.
        smtp.Answer = (_, _) => null;
        var next = await Mailer(smtp).SendAsync(month, [patient, refused], DeliveryScheduling.ScheduleTrigger, resend: false, CancellationToken.None);
        Assert.Equal((1, 1, 0), (next.Sent, next.Skipped, next.Failed));
    }

    [Fact]
    public async Task The_configured_user_and_password_sign_in_and_a_wrong_password_is_a_recorded_failure_not_retried()
    {
        await using var smtp = new LoopbackSmtpServer(("metrics", "s3cret-pass"));
        var month = LastWholeMonth.AddMonths(-3);
        var recipient = NewRecipient("auditor");

        var wrong = await Mailer(smtp, user: "metrics", password: "wrong-pass").SendAsync(month, [recipient], DeliveryScheduling.CommandTrigger, resend: false, CancellationToken.None);
        Assert.Equal((0, 1), (wrong.Sent, wrong.Failed));
        // MailKit may try each mechanism the server offers (PLAIN, LOGIN) within one attempt; the attempt is not retried.
        Assert.All(smtp.SignIns, signIn => Assert.Equal(("metrics", false), signIn));
        var run = (await app.Services.GetRequiredService<DeliveryLog>().RecentRunsAsync(100))
            .Single(run => run.Period == month.ToString("yyyy-MM", CultureInfo.InvariantCulture) && run.Failed == 1);
        Assert.Equal(1ul, run.Attempts);
        Assert.DoesNotContain("wrong-pass", Assert.Single(wrong.Errors), StringComparison.Ordinal);

        var right = await Mailer(smtp, user: "metrics", password: "s3cret-pass").SendAsync(month, [recipient], DeliveryScheduling.CommandTrigger, resend: false, CancellationToken.None);
        Assert.Equal((1, 0), (right.Sent, right.Failed));
        Assert.Equal(("metrics", true), smtp.SignIns.Last());
        Assert.Equal(recipient, smtp.Messages.Single().To.Mailboxes.Single().Address);
        Assert.DoesNotContain(app.Log.Entries.Select(entry => entry.Message), line => line.Contains("s3cret-pass", StringComparison.Ordinal));
    }

    private static byte[] ReadAll(MimePart part)
    {
        using var content = new MemoryStream();
        part.Content!.DecodeTo(content);
        return content.ToArray();
    }
}
