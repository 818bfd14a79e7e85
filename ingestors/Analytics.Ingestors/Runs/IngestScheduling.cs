using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Quartz;

namespace Analytics.Ingestors.Runs;

public static class IngestScheduling
{
    /// <summary>
    /// The scheduler of the web host: Quartz with one job per source configured under <c>Analytics:Sources</c>,
    /// fired by its <c>Cron</c> (UTC). A source's runs never overlap, and stopping the app waits for running jobs.
    /// </summary>
    /// <exception cref="InvalidOperationException">A source's Cron does not parse (the message names the setting).</exception>
    public static IServiceCollection AddIngestScheduling(this IServiceCollection services, IConfiguration configuration)
    {
        var sources = IngestSources.ReadConfigured(configuration);
        foreach (var source in sources.Where(s => s.Cron is not null && !CronExpression.TryParse(s.Cron, out _)))
        {
            throw new InvalidOperationException(
                $"{IngestSources.Section}:{source.Name}:Cron '{source.Cron}' is not a Quartz cron expression (seconds minutes hours day-of-month month day-of-week, e.g. '0 0 * * * ?').");
        }
        // Kinds and paths need the source factories from the container, so they are checked as the host starts,
        // by a hosted service registered before the scheduler's.
        services.AddHostedService<IngestSourcesValidation>();
        services.AddQuartz(quartz =>
        {
            foreach (var source in sources)
            {
                quartz.AddIngestSourceJob(source.Name, source.Cron);
            }
        });
        services.AddQuartzHostedService(options => options.WaitForJobsToComplete = true);
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

    /// <summary>Stops the host at start-up when a configured source is invalid, naming each bad setting.</summary>
    private sealed class IngestSourcesValidation(IngestSources sources) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            var problems = sources.Validate();
            return problems.Count == 0 ? Task.CompletedTask : throw new InvalidOperationException(string.Join(Environment.NewLine, problems));
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
