using Analytics.Web.Cli;
using Analytics.Web.Delivery;
using Microsoft.Extensions.Options;
using Quartz;

namespace Analytics.Web.Tests.Delivery;

/// <summary>
/// The delivery jobs on the app's one scheduler — the one only the elected instance runs (SchedulerElection, tested
/// with several instances in SchedulerElectionTests) — with their default crons in the organisation's time zone, and
/// the settings' checks.
/// </summary>
public sealed class DeliveryScheduleTests
{
    private static async Task<IScheduler> SchedulerAsync(Dictionary<string, string?> settings)
    {
        var host = AnalyticsCommandLine.ServeBuilder([], settings).Build();
        return await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
    }

    [Fact]
    public async Task The_report_fires_at_eight_on_the_first_working_day_of_each_month_and_the_digest_on_monday_mornings_in_the_organisations_zone()
    {
        var scheduler = await SchedulerAsync(new()
        {
            ["Analytics:Metrics:TimeZone"] = "Europe/Berlin",
            ["Analytics:Delivery:PublicUrl"] = "https://metrics.example.com/",
            ["Analytics:Delivery:Email:Recipients:0"] = "cto@example.com",
            ["Analytics:Delivery:Email:Host"] = "smtp.example.com",
            ["Analytics:Delivery:Email:From"] = "metrics@example.com",
            ["Analytics:Delivery:Digest:Url"] = "https://hooks.example.com/all",
        });
        try
        {
            var report = Assert.IsAssignableFrom<ICronTrigger>(await scheduler.GetTrigger(new TriggerKey("monthly-report:cron", DeliveryScheduling.JobGroup)));
            Assert.Equal(ReportDeliveryJob.Key, report.JobKey);
            Assert.Equal(ReportEmailSettings.DefaultCron, report.CronExpressionString);
            Assert.Equal("Europe/Berlin", report.TimeZone.Id);
            // The trigger's own next times start from now; its expression in its zone says when it fires in any month.
            var expression = new CronExpression(report.CronExpressionString!, report.TimeZone);
            // 1 August 2026 is a Saturday, 1 November a Sunday: the first working days are Monday the 3rd and the 2nd.
            Assert.Equal(new DateTimeOffset(2026, 8, 3, 6, 0, 0, TimeSpan.Zero), expression.GetNextValidTimeAfter(new DateTimeOffset(2026, 7, 15, 0, 0, 0, TimeSpan.Zero)));
            Assert.Equal(new DateTimeOffset(2026, 11, 2, 7, 0, 0, TimeSpan.Zero), expression.GetNextValidTimeAfter(new DateTimeOffset(2026, 10, 15, 0, 0, 0, TimeSpan.Zero)));
            Assert.Equal(new DateTimeOffset(2026, 12, 1, 7, 0, 0, TimeSpan.Zero), expression.GetNextValidTimeAfter(new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.Zero)));
            var digest = Assert.IsAssignableFrom<ICronTrigger>(await scheduler.GetTrigger(new TriggerKey("team-digests:cron", DeliveryScheduling.JobGroup)));
            Assert.Equal(DigestDeliveryJob.Key, digest.JobKey);
            Assert.Equal(new DateTimeOffset(2026, 11, 30, 7, 0, 0, TimeSpan.Zero), new CronExpression(digest.CronExpressionString!, digest.TimeZone).GetNextValidTimeAfter(new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero)));
        }
        finally
        {
            await scheduler.Shutdown();
        }
    }

    [Fact]
    public async Task Nothing_is_scheduled_until_recipients_or_a_webhook_are_configured()
    {
        var scheduler = await SchedulerAsync([]);
        try
        {
            Assert.Empty(await scheduler.GetTriggersOfJob(ReportDeliveryJob.Key));
            Assert.Empty(await scheduler.GetTriggersOfJob(DigestDeliveryJob.Key));
        }
        finally
        {
            await scheduler.Shutdown();
        }
    }

    [Fact]
    public void The_send_commands_take_a_period_recipients_a_team_and_resend_and_refuse_a_malformed_period()
    {
        var report = AnalyticsCommandLine.Create().Parse("report send --month 2026-10 --to cto@example.com --to vp@example.com --resend");
        Assert.Empty(report.Errors);
        Assert.Equal(["cto@example.com", "vp@example.com"], report.GetValue<string[]>("--to")!);
        Assert.True(report.GetValue<bool>("--resend"));
        Assert.Empty(AnalyticsCommandLine.Create().Parse("digest send --team payments --week 2026-11-25").Errors);
        Assert.Contains(AnalyticsCommandLine.Create().Parse("report send --month 2026-13").Errors, error => error.Message.Contains("--month must be a month as yyyy-MM", StringComparison.Ordinal));
        Assert.Contains(AnalyticsCommandLine.Create().Parse("digest send --week 25.11.2026").Errors, error => error.Message.Contains("--week must be a date as yyyy-MM-dd", StringComparison.Ordinal));
    }

    [Fact]
    public void Bad_settings_are_refused_naming_the_setting_never_quoting_a_secret()
    {
        var result = new DeliveryOptionsValidator().Validate(null, new DeliveryOptions
        {
            MaxAttempts = 0,
            Email = new ReportEmailSettings
            {
                Cron = "every month",
                Recipients = ["not an address"],
                Host = "smtp.example.com",
                From = "metrics@example.com",
                User = "metrics",
                Password = "hunter2-secret",
                Tls = SmtpTls.None,
            },
            Digest = new DigestSettings { Url = "ftp://hooks.example.com/secret-token" },
        });

        Assert.True(result.Failed);
        var message = result.FailureMessage;
        Assert.Contains("Analytics:Delivery:MaxAttempts", message, StringComparison.Ordinal);
        Assert.Contains("Analytics:Delivery:Email:Cron", message, StringComparison.Ordinal);
        Assert.Contains("Analytics:Delivery:Email:Recipients:0 is not an e-mail address", message, StringComparison.Ordinal);
        Assert.Contains("Analytics:Delivery:Email:Tls is None", message, StringComparison.Ordinal);
        Assert.Contains("Analytics:Delivery:Digest:Url is not", message, StringComparison.Ordinal);
        Assert.Contains("Analytics:Delivery:PublicUrl is required", message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-token", message, StringComparison.Ordinal);
        Assert.DoesNotContain("not an address", message, StringComparison.Ordinal);
        Assert.False(new DeliveryOptionsValidator().Validate(null, new DeliveryOptions()).Failed, "the defaults send nothing and are valid");
    }
}
