using Microsoft.Extensions.Logging;
using Quartz;

namespace Analytics.Ingestors.Runs;

/// <summary>
/// The Quartz job of one configured source (its job key's name is the source's name). Quartz never runs two
/// firings of one job at once under <see cref="DisallowConcurrentExecutionAttribute"/>: a trigger that fires while
/// the source is still running waits for it to finish, so one source never runs twice at once.
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
        // The runner records a failure in the catalog and logs it; nothing is left for Quartz to retry.
        await runner.RunAsync(source, cancellationToken);
    }

    public static JobKey KeyFor(string sourceName) => new(sourceName, JobGroup);
}
