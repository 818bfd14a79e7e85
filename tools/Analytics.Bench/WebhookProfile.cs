using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Analytics.Ingestors.Runs;
using Analytics.Storage.ClickHouse;

namespace Analytics.Bench;

/// <summary>
/// Where a delivery's time goes: the spans the app emits while it is applied (the receiver's steps <c>webhook …</c>,
/// the ingest run, each ClickHouse call, each HTTP request to the GitHub simulator), and the derived tables' refreshes
/// (<see cref="DerivedTablesStore.LastRefresh"/>) during the delivery and the reads after it.
/// </summary>
internal sealed class WebhookProfile : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly int _simulatorPort;

    public WebhookProfile(int simulatorPort)
    {
        _simulatorPort = simulatorPort;
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is IngestTelemetry.Name or InstrumentedStore.Name or "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>The spans stopped since the last call, summed by step.</summary>
    public IReadOnlyDictionary<string, (int Count, double Milliseconds)> Take()
    {
        var steps = new Dictionary<string, (int Count, double Milliseconds)>(StringComparer.Ordinal);
        while (_stopped.TryDequeue(out var activity))
        {
            var step = Step(activity);
            if (step is null)
            {
                continue;
            }
            var (count, ms) = steps.GetValueOrDefault(step);
            steps[step] = (count + 1, ms + activity.Duration.TotalMilliseconds);
        }
        return steps;
    }

    private string? Step(Activity activity) => activity.Source.Name switch
    {
        "System.Net.Http" => activity.GetTagItem("server.port") is { } port && Convert.ToInt32(port, CultureInfo.InvariantCulture) == _simulatorPort ? "HTTP to the GitHub simulator" : null,
        InstrumentedStore.Name => $"ClickHouse {activity.GetTagItem("analytics.query")} (incl. any refresh it triggered)",
        _ when activity.OperationName.StartsWith("ingest ", StringComparison.Ordinal) => "ingest run (catalog bookkeeping and the steps below)",
        _ => activity.OperationName,
    };

    public void Dispose() => _listener.Dispose();
}

/// <summary>One round's profile of the timed deployment_status delivery.</summary>
/// <param name="Delivery">Spans by step while the delivery was applied (until its answer).</param>
/// <param name="RefreshInDelivery">The derived tables' refresh the delivery itself caused (its relinking reads a derived table), if any.</param>
/// <param name="RefreshAfter">The refresh the first read after the answer did.</param>
public sealed record DeliveryProfile(
    IReadOnlyDictionary<string, (int Count, double Milliseconds)> Delivery, DerivedRefreshReport? RefreshInDelivery, DerivedRefreshReport? RefreshAfter)
{
    /// <summary>The medians over rounds, as Markdown rows: step, calls per delivery, median ms.</summary>
    public static IEnumerable<string> MarkdownLines(IReadOnlyList<DeliveryProfile> profiles)
    {
        static string Ms(double value) => value.ToString("N0", CultureInfo.InvariantCulture);
        static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToList();
            return sorted.Count == 0 ? 0 : PageBenchmark.Percentile(sorted, 0.5);
        }
        yield return "| step of the `deployment_status` delivery (spans) | calls per delivery (median) | median ms |";
        yield return "|---|---:|---:|";
        foreach (var step in profiles.SelectMany(p => p.Delivery.Keys).Distinct().Order(StringComparer.Ordinal))
        {
            yield return $"| {step} | {Median(profiles.Select(p => (double)p.Delivery.GetValueOrDefault(step).Count)):0.#} | {Ms(Median(profiles.Select(p => p.Delivery.GetValueOrDefault(step).Milliseconds)))} |";
        }
        yield return $"| derived tables' refresh inside the delivery (its relinking reads production_deployments) | {profiles.Count(p => p.RefreshInDelivery is not null)} of {profiles.Count} rounds | {Ms(Median(profiles.Select(p => p.RefreshInDelivery?.Elapsed.TotalMilliseconds ?? 0)))} |";
        yield return $"| derived tables' refresh by the first `GET /api/dora` after the answer | {profiles.Count(p => p.RefreshAfter is not null)} of {profiles.Count} rounds | {Ms(Median(profiles.Select(p => p.RefreshAfter?.Elapsed.TotalMilliseconds ?? 0)))} |";
        var tables = profiles.Select(p => p.RefreshAfter).OfType<DerivedRefreshReport>().FirstOrDefault();
        if (tables is not null)
        {
            yield return "";
            yield return $"Tables the read's refresh rebuilt (first round): {string.Join(", ", tables.Tables)} ({(tables.Scoped ? "scoped" : "whole: " + tables.Reason)}).";
        }
    }
}
