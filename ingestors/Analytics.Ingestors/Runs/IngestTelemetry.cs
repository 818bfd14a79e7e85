using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Analytics.Ingestors.Runs;

/// <summary>
/// Traces and metrics of ingest runs (OpenTelemetry reads them when the host registers <see cref="Name"/>): a span per
/// run, and per source its duration, the rows it wrote and its failures. Tags name the source and kind, never a token.
/// </summary>
public static class IngestTelemetry
{
    public const string Name = "Analytics.Ingest";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("analytics.ingest.run.duration", "s", "How long an ingest run took.");

    private static readonly Counter<long> Rows = Meter.CreateCounter<long>("analytics.ingest.rows", "{row}", "Rows written by ingest runs.");

    private static readonly Counter<long> Failures = Meter.CreateCounter<long>("analytics.ingest.failures", "{run}", "Ingest runs that failed.");

    public static Activity? StartRun(IIngestSource source) =>
        Source.StartActivity($"ingest {source.Name}")?.SetTag("analytics.source", source.Name).SetTag("analytics.source.kind", source.Kind);

    /// <summary>Records how a run ended (<paramref name="outcome"/> null: it threw).</summary>
    public static void RecordRun(Activity? activity, IIngestSource source, TimeSpan elapsed, IngestRunOutcome? outcome)
    {
        var tags = new TagList { { "analytics.source", source.Name }, { "analytics.source.kind", source.Kind } };
        var rows = outcome?.RowsPerTable.Values.Sum() ?? 0;
        Duration.Record(elapsed.TotalSeconds, tags);
        Rows.Add(rows, tags);
        if (outcome is not { Succeeded: true })
        {
            Failures.Add(1, tags);
            activity?.SetStatus(ActivityStatusCode.Error, outcome is null ? "the run threw" : "the run failed");
        }
        activity?.SetTag("analytics.run_id", outcome?.RunId).SetTag("analytics.rows", rows);
    }
}
