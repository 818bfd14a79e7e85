using Microsoft.Extensions.Logging;
using Quartz;

namespace Analytics.Ingestors.Runs;

/// <summary>
/// The Quartz job of one configured source (its job key's name is the source's name). Quartz never runs two
/// firings of one job at once under <see cref="DisallowConcurrentExecutionAttribute"/>: a trigger that fires while
/// the source is still running waits for it to finish, so one source never runs twice at once in this process; the
/// runner's lease in the catalog keeps other processes out (a firing that finds the source held is skipped).
/// </summary>
[DisallowConcurrentExecution]
public sealed class IngestSourceJob(IngestSources sources, IngestRunner runner, ILogger<IngestSourceJob> logger) : IJob
{
    public const string JobGroup = "ingest";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var sourceName = context.JobDetail.Key.Name;
        IIngestSource source;
        try
        {
            source = sources.Create(sourceName);
        }
        catch (ArgumentException error)
        {
            // Start-up validation makes this rare (the configuration was changed while running).
            logger.LogError("Source {Source} cannot run: {Error}", sourceName, error.Message);
            return;
        }
        try
        {
            // The runner records a failure in the catalog and logs it; nothing is left for Quartz to retry.
            await runner.RunAsync(source, cancellationToken);
        }
        catch (SourceAlreadyRunningException busy)
        {
            // Another process (an `ingest` command, another host) holds the source; the next firing tries again.
            logger.LogWarning("{Message} This firing is skipped.", busy.Message);
        }
    }

    public static JobKey KeyFor(string sourceName) => new(sourceName, JobGroup);
}
