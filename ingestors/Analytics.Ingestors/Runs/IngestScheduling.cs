using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace Analytics.Ingestors.Runs;

public static class IngestScheduling
{
    /// <summary>
    /// The scheduler of the web host: Quartz with one job per source configured under <c>Analytics:Sources</c>,
    /// fired by its <c>Cron</c> (UTC) on one instance of those sharing the store. A source's runs never overlap, and
    /// stopping the app waits for running jobs.
    /// </summary>
    /// <param name="moreJobs">Other jobs for the same scheduler (the web host's deliveries), so they too fire on the elected instance only.</param>
    /// <exception cref="InvalidOperationException">A source's Cron does not parse (the message names the setting).</exception>
    public static IServiceCollection AddIngestScheduling(this IServiceCollection services, IConfiguration configuration, Action<IQuartzBuilder>? moreJobs = null)
    {
        var sources = IngestSources.ReadConfigured(configuration);
        // Quartz parses a cron as its trigger is added, so a bad one is refused here, with the message the start-up check gives.
        if (sources.Select(source => IngestSourcesOptionsValidator.CronProblem(source.Name, source.Cron)).OfType<string>().FirstOrDefault() is { } problem)
        {
            throw new InvalidOperationException(problem);
        }
        // Kinds and each kind's settings are checked as the host starts (IngestSourcesOptions, validated on start).
        services.AddQuartz(quartz =>
        {
            foreach (var source in sources)
            {
                quartz.AddIngestSourceJob(source.Name, source.Cron);
            }
            moreJobs?.Invoke(quartz);
        });
        // Not Quartz's own hosted service: the scheduler runs only on the instance that holds the lease, and stopping
        // the app waits for running jobs (SchedulerElection).
        services.AddSingleton<SchedulerElection>();
        services.AddHostedService(provider => provider.GetRequiredService<SchedulerElection>());
        return services;
    }

    /// <summary>
    /// Adds the job of one source, stored durably so it can be triggered without a schedule, and a cron trigger
    /// (in UTC) when <paramref name="cron"/> is given.
    /// </summary>
    public static IQuartzBuilder AddIngestSourceJob(this IQuartzBuilder quartz, string sourceName, string? cron)
    {
        var key = IngestSourceJob.KeyFor(sourceName);
        quartz.AddJob<IngestSourceJob>(job => job.WithIdentity(key).StoreDurably().WithDescription($"Ingest source {sourceName}"));
        if (cron is not null)
        {
            quartz.AddTrigger(trigger => trigger
                .WithIdentity($"{sourceName}:cron", IngestSourceJob.JobGroup)
                .ForJob(key)
                .WithCronSchedule(cron, schedule => schedule.InTimeZone(TimeZoneInfo.Utc)));
        }
        return quartz;
    }
}
