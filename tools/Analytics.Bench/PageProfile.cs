using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Analytics.Storage.ClickHouse;

namespace Analytics.Bench;

/// <summary>
/// Where a page's server time goes: the shipped app in this process (Kestrel, 127.0.0.1) over a store `pages --store`
/// loaded, each selected page requested after warm-ups, and every ClickHouse call it made (the spans
/// <see cref="InstrumentedStore"/> emits, named by SQL file) summed per request: which files a page runs, how often, and
/// how long each takes; what the calls do not cover is the catalog (EF), rendering and HTTP.
/// </summary>
/// <param name="chromium">With a path, each HTML page is also loaded once in that browser, counting the ClickHouse calls of
/// the whole load (the prerender and the interactive render after the circuit connects).</param>
public sealed class PageProfile(string dataPath, int requests, int warmUps, IReadOnlyList<string> only, string? chromium = null)
{
    public async Task<IReadOnlyList<string>> RunAsync(IProgress<string> progress, CancellationToken cancellationToken)
    {
        var targets = JsonSerializer.Deserialize<PageBenchmark.Targets>(await File.ReadAllTextAsync(Path.Combine(dataPath, PageBenchmark.TargetsFile), cancellationToken))
            ?? throw new InvalidOperationException($"{PageBenchmark.TargetsFile} in {dataPath} is empty: run `pages --store {dataPath}` once first.");
        await using var app = BenchmarkHost.BuildWebApp(dataPath, BenchmarkStore.Database, port: 0);
        progress.Report("starting the app on the loaded store…");
        using var spans = new Spans();
        var started = Stopwatch.StartNew();
        await app.StartAsync(cancellationToken);
        var startUp = started.Elapsed;
        var startUpCalls = spans.Take();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()), Timeout = TimeSpan.FromMinutes(5) };
        using (var first = await http.GetAsync("/", cancellationToken))
        {
            await first.Content.ReadAsByteArrayAsync(cancellationToken);
        }
        var firstPage = started.Elapsed - startUp;
        var lines = new List<string>
        {
            // Not the process's start (the runtime, the JIT of this tool): `bench pages` measures restart to first page.
            $"Start-up in this process: the host started in {startUp.TotalMilliseconds:N0} ms ({startUpCalls.Values.Sum(v => v.Count)} ClickHouse calls, {startUpCalls.Values.Sum(v => v.Milliseconds):N0} ms), then the overview answered in {firstPage.TotalMilliseconds:N0} ms.",
            "",
        };
        spans.Take();
        using var playwright = chromium is null ? null : await Microsoft.Playwright.Playwright.CreateAsync();
        await using var browser = playwright is null ? null : await BrowserPageBenchmark.LaunchAsync(playwright, chromium!);
        foreach (var (name, path) in PageBenchmark.Pages(targets, only))
        {
            progress.Report($"{name}: {warmUps} warm-ups, {requests} profiled requests…");
            for (var i = 0; i < warmUps; i++)
            {
                using var warmUp = await http.GetAsync(path, cancellationToken);
            }
            var perRequest = new List<IReadOnlyDictionary<string, (int Count, double Milliseconds)>>();
            var totals = new List<double>();
            for (var i = 0; i < requests; i++)
            {
                spans.Take();
                var watch = Stopwatch.StartNew();
                using var response = await http.GetAsync(path, cancellationToken);
                await response.Content.ReadAsByteArrayAsync(cancellationToken);
                totals.Add(watch.Elapsed.TotalMilliseconds);
                perRequest.Add(spans.Take());
            }
            lines.AddRange(Markdown(name, path, totals, perRequest));
            if (browser is not null && PageBenchmark.IsHtml(path))
            {
                spans.Take();
                // Two seconds after the figures are in: calls the interactive render makes once the circuit is up count too.
                string? breakdown = null;
                var rendered = await BrowserPageBenchmark.RenderOnceAsync(browser, http.BaseAddress!, path, BrowserPageBenchmark.Ready(name), async page =>
                {
                    breakdown = await LoadBreakdown.ReadAsync(page);
                    await Task.Delay(2000, cancellationToken);
                }, LoadBreakdown.InitScript);
                var calls = spans.Take();
                lines.Add($"In Chromium, one load: rendered at {rendered:N0} ms; the whole load made {calls.Values.Sum(v => v.Count)} ClickHouse calls ({calls.Values.Sum(v => v.Milliseconds):N0} ms): "
                    + string.Join(", ", calls.OrderByDescending(pair => pair.Value.Milliseconds).Select(pair => $"{pair.Key} {pair.Value.Count}")));
                lines.Add("");
                lines.Add($"Where the load's time went (ms from navigation start): {breakdown}");
                lines.Add("");
            }
        }
        lines.AddRange(await MemoryAsync(app.Services.GetRequiredService<IClickHouseStore>(), cancellationToken));
        await app.StopAsync(cancellationToken);
        return lines;
    }

    /// <summary>
    /// Where the process's resident memory is after the pages: the managed heap, the engine's own account
    /// (MemoryTracking: queries, merges, caches) and its caches (chDB has no system.asynchronous_metrics), so a memory goal can be aimed at the right part.
    /// </summary>
    private static async Task<IEnumerable<string>> MemoryAsync(IClickHouseStore store, CancellationToken cancellationToken)
    {
        static string MiB(double bytes) => (bytes / 1024 / 1024).ToString("N0", CultureInfo.InvariantCulture);
        var engine = await store.QueryAsync<MetricRow>("""
            SELECT metric, toFloat64(value) AS value FROM system.metrics
            WHERE metric = 'MemoryTracking' OR (metric LIKE '%Cache%Bytes' AND value > 0)
            ORDER BY metric
            """, cancellationToken: cancellationToken);
        using var process = Process.GetCurrentProcess();
        // The engine's code is resident too: the pages of libchdb.so (hundreds of MiB) that have run.
        var library = LibraryResidentBytes("libchdb.so");
        var gc = GC.GetGCMemoryInfo();
        return
        [
            $"Memory after the pages: process resident {MiB(process.WorkingSet64)} MiB (peak {MiB(process.PeakWorkingSet64)}), of which libchdb.so's mapped code and data {MiB(library)} MiB; .NET heap {MiB(gc.HeapSizeBytes)} MiB (committed {MiB(gc.TotalCommittedBytes)}); "
                + string.Join("; ", engine.Select(row => $"{row.Metric} {MiB(row.Value)} MiB")),
        ];
    }

    /// <summary>The resident bytes of the mappings of <paramref name="file"/> (/proc/self/smaps).</summary>
    private static long LibraryResidentBytes(string file)
    {
        long bytes = 0;
        var inLibrary = false;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length >= 5 && fields[0].Contains('-', StringComparison.Ordinal) && !fields[0].EndsWith(':'))
            {
                // A mapping's header: address range, permissions, offset, device, inode, path.
                inLibrary = fields.Length >= 6 && fields[^1].EndsWith(file, StringComparison.Ordinal);
            }
            else if (inLibrary && fields is ["Rss:", var kib, "kB"])
            {
                bytes += long.Parse(kib, CultureInfo.InvariantCulture) * 1024;
            }
        }
        return bytes;
    }

    private sealed record MetricRow(string Metric, double Value);

    /// <summary>Per SQL file: calls per request and the median of its summed time per request, largest first.</summary>
    private static IEnumerable<string> Markdown(string name, string path, List<double> totals, List<IReadOnlyDictionary<string, (int Count, double Milliseconds)>> perRequest)
    {
        static string Ms(double value) => value.ToString("N0", CultureInfo.InvariantCulture);
        static double Median(IEnumerable<double> values) => PageBenchmark.Percentile(values.Order().ToList(), 0.5);
        var files = perRequest.SelectMany(request => request.Keys).Distinct(StringComparer.Ordinal)
            .Select(file => (File: file, Calls: Median(perRequest.Select(r => (double)r.GetValueOrDefault(file).Count)), Ms: Median(perRequest.Select(r => r.GetValueOrDefault(file).Milliseconds))))
            // A call made in only a few requests (a fingerprint check every 30 s) has a median of none.
            .Where(row => row.Calls > 0)
            .OrderByDescending(row => row.Ms)
            .ToList();
        var inEngine = Median(perRequest.Select(r => r.Values.Sum(v => v.Milliseconds)));
        yield return $"### {name} (`{path}`): request median {Ms(Median(totals))} ms, of which ClickHouse calls {Ms(inEngine)} ms ({Ms(Median(perRequest.Select(r => (double)r.Values.Sum(v => v.Count))))} calls)";
        yield return "";
        yield return "| SQL file | calls per request | median ms per request |";
        yield return "|---|---:|---:|";
        foreach (var row in files)
        {
            yield return $"| {row.File} | {row.Calls:0.#} | {Ms(row.Ms)} |";
        }
        yield return "";
    }

    /// <summary>The ClickHouse calls' spans stopped since the last <see cref="Take"/>, summed by SQL file.</summary>
    private sealed class Spans : IDisposable
    {
        private readonly ActivityListener _listener;
        private readonly ConcurrentQueue<Activity> _stopped = new();

        public Spans()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == InstrumentedStore.Name,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = _stopped.Enqueue,
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public IReadOnlyDictionary<string, (int Count, double Milliseconds)> Take()
        {
            var files = new Dictionary<string, (int Count, double Milliseconds)>(StringComparer.Ordinal);
            while (_stopped.TryDequeue(out var activity))
            {
                var file = activity.GetTagItem("analytics.query") as string ?? activity.OperationName;
                var (count, ms) = files.GetValueOrDefault(file);
                files[file] = (count + 1, ms + activity.Duration.TotalMilliseconds);
            }
            return files;
        }

        public void Dispose() => _listener.Dispose();
    }
}
