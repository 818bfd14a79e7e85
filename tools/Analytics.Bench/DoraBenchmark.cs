using Analytics.Core.Calendar;
using System.Diagnostics;
using Analytics.Core.Dora;
using Analytics.Ingestors.Demo;
using Analytics.Storage.ClickHouse;
using Analytics.Storage.ClickHouse.Embedded;
using Analytics.Storage.Metrics;
using Microsoft.Extensions.Options;

namespace Analytics.Bench;

/// <summary>
/// Time to compute every DORA figure for every team by month over the generated organisation's whole history
/// (dora/series.sql, one query), against a plain scan of the event columns those figures are computed from (with
/// FINAL, as every reader deduplicates). Target: at most 3 × the scan. Also reported: refreshing the derived tables
/// after the load (the cost moved to ingestion) and a scan of the derived columns the query reads.
/// </summary>
/// <param name="memory">The engine's limits (null: ClickHouse's defaults).</param>
public sealed class DoraBenchmark(DemoScale scale, int seed, DateTimeOffset end, string dataPath, EngineMemoryLimits? memory = null)
{
    private const int Repetitions = 5;

    public async Task<DoraBenchmarkReport> RunAsync(IProgress<string> progress, CancellationToken cancellationToken)
    {
        await using var loaded = await GeneratedOrganisationStore.LoadAsync(scale, seed, end, dataPath, progress, cancellationToken, memory: memory);
        var (store, sqlFiles) = (loaded.Store, loaded.SqlFiles);

        var queries = new DoraQueries(store, sqlFiles, Options.Create(new MetricOptions()));
        // The history the store holds: a reused store may have been loaded on an earlier day.
        var generator = new DemoOrganisationGenerator(scale, seed, loaded.Organisation.End);
        var request = new DoraRequest(generator.Start, generator.End);

        progress.Report("DORA series by month, all teams…");
        var (seriesTimes, points) = await TimeAsync(() => queries.SeriesAsync(request, Granularity.Month, cancellationToken));
        progress.Report("plain scan of the event columns…");
        var (scanTimes, _) = await TimeAsync(() => ScanAsync(store, EventScans, cancellationToken));
        progress.Report("plain scan of the derived columns…");
        var (derivedScanTimes, _) = await TimeAsync(() => ScanAsync(store, DerivedScans, cancellationToken));

        using var process = Process.GetCurrentProcess();
        return new DoraBenchmarkReport(scale, loaded.Organisation.Rows, loaded.Reused, loaded.Load, points.Count, points.Select(p => p.Team).Distinct().Count() - 1,
            loaded.Refresh, Median(seriesTimes), Median(scanTimes), Median(derivedScanTimes), process.PeakWorkingSet64);
    }

    /// <summary>The event columns the DORA figures are computed from, deduplicated the same way, hashed so nothing is skipped.</summary>
    private static readonly string[] EventScans =
    [
        "SELECT count() AS rows, sum(cityHash64(deployment_id, service, environment, status, kind, related_deployment_id, source, finished_at)) AS hash FROM deployments FINAL",
        "SELECT count() AS rows, sum(cityHash64(deployment_id, repository, sha, link)) AS hash FROM deployment_commits FINAL",
        "SELECT count() AS rows, sum(cityHash64(repository, sha, authored_at, committed_at)) AS hash FROM commits FINAL",
        "SELECT count() AS rows, sum(cityHash64(incident_id, service, started_at, resolved_at, caused_by_deployment_id)) AS hash FROM incidents FINAL",
    ];

    /// <summary>The derived columns dora/series.sql reads.</summary>
    private static readonly string[] DerivedScans =
    [
        "SELECT count() AS rows, sum(cityHash64(deployment_id, team, finished_at)) AS hash FROM production_deployments",
        "SELECT count() AS rows, sum(cityHash64(deployment_id, reason, gap_milliseconds)) AS hash FROM deployment_failure_evidence",
        "SELECT count() AS rows, sum(cityHash64(owner, deployed_at, committed_at)) AS hash FROM commit_shipments",
        "SELECT count() AS rows, sum(cityHash64(incident_id, service, started_at, resolved_at, caused_by_deployment_id)) AS hash FROM incidents FINAL",
    ];

    private static async Task<int> ScanAsync(IClickHouseStore store, string[] scans, CancellationToken cancellationToken)
    {
        foreach (var scan in scans)
        {
            await store.QueryAsync<ScanRow>(scan, cancellationToken: cancellationToken);
        }
        return scans.Length;
    }

    private static async Task<(List<TimeSpan> Times, T Result)> TimeAsync<T>(Func<Task<T>> action)
    {
        var result = await action(); // warm-up: first run pays for loading marks and caches
        var times = new List<TimeSpan>();
        for (var i = 0; i < Repetitions; i++)
        {
            var watch = Stopwatch.StartNew();
            result = await action();
            times.Add(watch.Elapsed);
        }
        return (times, result);
    }

    private static TimeSpan Median(List<TimeSpan> times) => times.Order().ElementAt(times.Count / 2);

    private sealed record ScanRow(ulong Rows, ulong Hash);
}

/// <param name="RowsLoaded">Null when the store was loaded by the app (`pages --store`), which does not count them.</param>
/// <param name="Reused">The store was loaded by an earlier run (`--store`): Load and Refresh are that run's.</param>
public sealed record DoraBenchmarkReport(DemoScale Scale, long? RowsLoaded, bool Reused, TimeSpan Load, int SeriesPoints, int Teams,
    TimeSpan Refresh, TimeSpan Series, TimeSpan Scan, TimeSpan DerivedScan, long PeakWorkingSetBytes)
{
    public double RatioToScan => Series.TotalSeconds / Scan.TotalSeconds;
}
