using Analytics.Core.Dora;
using Analytics.Storage.Settings;
using Quartz;

namespace Analytics.Web.Delivery;

/// <summary>The scheduled monthly report e-mail: the last whole month, to the configured recipients.</summary>
[DisallowConcurrentExecution]
public sealed class ReportDeliveryJob(ReportMailer mailer, ILogger<ReportDeliveryJob> logger) : IJob
{
    public static readonly JobKey Key = new("monthly-report", DeliveryScheduling.JobGroup);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var outcome = await mailer.SendAsync(null, [], DeliveryScheduling.ScheduleTrigger, resend: false, cancellationToken);
            logger.LogInformation("Monthly report {Month}: {Sent} sent, {Skipped} sent before, {Failed} failed.", outcome.Period, outcome.Sent, outcome.Skipped, outcome.Failed);
        }
        catch (InvalidOperationException error)
        {
            // Each target's failure is recorded by the runner; this is a run that could not start (settings, lock).
            logger.LogError("Monthly report not sent: {Error}", error.Message);
        }
    }
}

/// <summary>The scheduled weekly digests: the last whole week, to every configured team's webhook.</summary>
[DisallowConcurrentExecution]
public sealed class DigestDeliveryJob(TeamDigests digests, ILogger<DigestDeliveryJob> logger) : IJob
{
    public static readonly JobKey Key = new("team-digests", DeliveryScheduling.JobGroup);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var outcome = await digests.SendAsync(digests.WeekOf(null), null, DeliveryScheduling.ScheduleTrigger, resend: false, cancellationToken);
            logger.LogInformation("Team digests for the week of {Week}: {Sent} sent, {Skipped} sent before, {Failed} failed.", outcome.Period, outcome.Sent, outcome.Skipped, outcome.Failed);
        }
        catch (InvalidOperationException error)
        {
            logger.LogError("Team digests not sent: {Error}", error.Message);
        }
    }
}

public static class DeliveryScheduling
{
    public const string JobGroup = "delivery";

    public const string ScheduleTrigger = "schedule";

    public const string CommandTrigger = "command";

    /// <summary>The delivery services the dashboard and the send commands share.</summary>
    public static IServiceCollection AddDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<DeliveryOptions, DeliveryOptionsValidator>(configuration, DeliveryOptions.Section);
        // Without the factory's request logging: it writes each request's URL, and a webhook's URL is its secret.
        services.AddHttpClient(TeamDigests.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(30)).RemoveAllLoggers();
        services.AddSingleton<DeliveryLog>();
        services.AddSingleton<DeliveryRunner>();
        services.AddSingleton<ReportMailer>();
        services.AddSingleton<TeamDigests>();
        return services;
    }

    /// <summary>
    /// The delivery jobs on the app's scheduler (so they fire on the elected instance only, as the sources do), each with
    /// its cron in Analytics:Metrics:TimeZone when something is configured to receive it. A cron or zone that does not
    /// parse adds no trigger here: the options' validation refuses it as the host starts.
    /// </summary>
    public static IQuartzBuilder AddDeliveryJobs(this IQuartzBuilder quartz, IConfiguration configuration)
    {
        var delivery = configuration.GetSection(DeliveryOptions.Section).Get<DeliveryOptions>() ?? new DeliveryOptions();
        var metrics = configuration.GetSection(MetricOptions.Section).Get<MetricOptions>() ?? new MetricOptions();
        TimeZoneInfo zone;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(metrics.TimeZone);
        }
        catch (TimeZoneNotFoundException)
        {
            return quartz;
        }
        quartz.AddJob<ReportDeliveryJob>(job => job.WithIdentity(ReportDeliveryJob.Key).StoreDurably().WithDescription("Monthly report by e-mail"));
        quartz.AddJob<DigestDeliveryJob>(job => job.WithIdentity(DigestDeliveryJob.Key).StoreDurably().WithDescription("Weekly team digests"));
        if (delivery.Email.Recipients.Length > 0 && CronExpression.TryParse(delivery.Email.Cron, out _))
        {
            quartz.AddTrigger(trigger => trigger.WithIdentity("monthly-report:cron", JobGroup).ForJob(ReportDeliveryJob.Key)
                .WithCronSchedule(delivery.Email.Cron, schedule => schedule.InTimeZone(zone)));
        }
        if ((delivery.Digest.Url is { Length: > 0 } || delivery.Digest.Teams.Count > 0) && CronExpression.TryParse(delivery.Digest.Cron, out _))
        {
            quartz.AddTrigger(trigger => trigger.WithIdentity("team-digests:cron", JobGroup).ForJob(DigestDeliveryJob.Key)
                .WithCronSchedule(delivery.Digest.Cron, schedule => schedule.InTimeZone(zone)));
        }
        return quartz;
    }
}
