using System.Diagnostics;
using Analytics.Ingestors.Runs;

namespace Analytics.Bench;

/// <summary>What the source benchmarks (<c>github</c>, <c>sources</c>) share: one run of a configured source, as the scheduler runs it.</summary>
internal static class SourceSync
{
    /// <summary>Runs the source <paramref name="sourceName"/> once through <see cref="IngestRunner"/>; a failed run throws, naming <paramref name="vendor"/>.</summary>
    public static async Task<(IngestRunOutcome Outcome, TimeSpan Elapsed)> RunAsync(IServiceProvider services, string sourceName, string vendor, CancellationToken cancellationToken)
    {
        var source = services.GetRequiredService<IngestSources>().Create(sourceName);
        var watch = Stopwatch.StartNew();
        var outcome = await services.GetRequiredService<IngestRunner>().RunAsync(source, cancellationToken);
        watch.Stop();
        if (!outcome.Succeeded)
        {
            throw new InvalidOperationException($"The {vendor} sync (run {outcome.RunId}) failed: {outcome.Error}");
        }
        return (outcome, watch.Elapsed);
    }
}
