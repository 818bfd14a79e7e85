using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Analytics.Storage.Catalog;
using Analytics.Web.Dashboards;
using Analytics.Web.Hosting;
using Analytics.Web.Queries;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Analytics.Bench;

/// <summary>
/// Every page and every /api/* figure over the generated organisation, served by the app in a process of its own
/// (<see cref="ServeAsync"/>: the real host on Kestrel, 127.0.0.1), so its memory and its start-up are the app's:
/// a first start loads the organisation and is stopped; a second start on the same files is timed until its first
/// page (restart to first page); then each page is requested in full (its prerender runs every query the page needs)
/// and timed from request to last byte on loopback, its HTML bytes counted, and the app's peak resident memory
/// (VmHWM) read at the end.
/// </summary>
/// <param name="chromium">With a path, the pages are also timed in that browser (<see cref="BrowserPageBenchmark"/>).</param>
/// <param name="options">A store loaded already, the engine's memory limit, a subset of the pages.</param>
public sealed class PageBenchmark(string scale, int seed, int requests, string dataPath, string? chromium = null, PageBenchmarkOptions? options = null)
{
    private readonly PageBenchmarkOptions _options = options ?? new();

    internal const string TargetsFile = "bench-targets.json";

    public async Task<PageBenchmarkReport> RunAsync(IProgress<string> progress, CancellationToken cancellationToken)
    {
        TimeSpan? firstStart = null;
        if (!_options.Loaded)
        {
            progress.Report($"first start: the app loads the {scale} organisation…");
            var load = Stopwatch.StartNew();
            var first = await StartAppAsync(cancellationToken);
            try
            {
                await FirstPageAsync(first, TimeSpan.FromHours(2), cancellationToken);
                firstStart = load.Elapsed;
            }
            finally
            {
                await StopAsync(first);
            }
            _options.OnLoaded?.Invoke(firstStart.Value);
        }
        progress.Report("restart on the loaded store…");
        var restart = Stopwatch.StartNew();
        var app = await StartAppAsync(cancellationToken);
        try
        {
            await FirstPageAsync(app, TimeSpan.FromMinutes(10), cancellationToken);
            var restartToFirstPage = restart.Elapsed;
            var residentAfterStart = Status(app.Process, "VmRSS");
            var targets = JsonSerializer.Deserialize<Targets>(await File.ReadAllTextAsync(Path.Combine(dataPath, TargetsFile), cancellationToken))!;
            using var http = new HttpClient { BaseAddress = app.Address, Timeout = TimeSpan.FromMinutes(5) };
            var timings = new List<PageTiming>();
            var selected = Pages(targets, _options.Only).ToList();
            foreach (var (name, path) in selected)
            {
                progress.Report($"{name}: {requests} requests…");
                HttpStatusCode? failed = null;
                for (var i = 0; i < _options.WarmUps && failed is null; i++)
                {
                    using var warmUp = await http.GetAsync(path, cancellationToken);
                    failed = warmUp.IsSuccessStatusCode ? null : warmUp.StatusCode;
                }
                var times = new List<double>();
                long bytes = 0;
                for (var i = 0; i < requests && failed is null; i++)
                {
                    var watch = Stopwatch.StartNew();
                    using var response = await http.GetAsync(path, cancellationToken);
                    var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                    times.Add(watch.Elapsed.TotalMilliseconds);
                    failed = response.IsSuccessStatusCode ? null : response.StatusCode;
                    bytes = body.Length;
                }
                if (failed is not null)
                {
                    // At a large scale an API's query may pass its time limit (503): recorded, and the others still timed.
                    progress.Report($"{name}: answered {(int)failed}");
                    timings.Add(new PageTiming(name, path, times.Count, double.NaN, double.NaN) { Failed = failed });
                    _options.OnTiming?.Invoke(timings[^1]);
                    continue;
                }
                times.Sort();
                timings.Add(new PageTiming(name, path, requests, Percentile(times, 0.5), Percentile(times, 0.95)) { Bytes = bytes });
                _options.OnTiming?.Invoke(timings[^1]);
            }
            if (chromium is not null)
            {
                // Every HTML page (not the /api/* answers, which no browser renders).
                var htmlPages = selected.Where(page => IsHtml(page.Path))
                    .Select(page => (page.Name, page.Path, BrowserPageBenchmark.Ready(page.Name))).ToList();
                timings.AddRange(await BrowserPageBenchmark.RunAsync(app.Address, htmlPages, requests, chromium, progress, cancellationToken, _options.OnTiming));
            }
            return new PageBenchmarkReport(scale, firstStart, restartToFirstPage, residentAfterStart, Status(app.Process, "VmHWM"), timings);
        }
        finally
        {
            await StopAsync(app);
        }
    }

    /// <summary>
    /// Every page (the overview, a team page, each dashboard of dashboards/, the monthly report, admin) and every
    /// GET /api/* figure, over the default period.
    /// </summary>
    /// <summary>The pages of <see cref="Pages(Targets)"/> whose name or path contains one of <paramref name="only"/> (none: every page).</summary>
    internal static IEnumerable<(string Name, string Path)> Pages(Targets targets, IReadOnlyList<string> only) =>
        Pages(targets).Where(page => only.Count == 0
            || only.Any(part => page.Name.Contains(part, StringComparison.OrdinalIgnoreCase) || page.Path.Contains(part, StringComparison.OrdinalIgnoreCase)));

    /// <summary>A page a browser renders, not an /api/* answer.</summary>
    internal static bool IsHtml(string path) => !path.StartsWith("/api/", StringComparison.Ordinal);

    private static IEnumerable<(string Name, string Path)> Pages(Targets targets)
    {
        var team = Uri.EscapeDataString(targets.Team);
        yield return ("overview", "/");
        yield return ("team page", $"/teams/{team}");
        foreach (var dashboard in targets.Dashboards)
        {
            yield return ($"dashboard {dashboard.Name}", $"/dashboards/{dashboard.Name}" + (dashboard.NeedsTeam ? $"?team={team}" : ""));
        }
        yield return ("monthly report", "/reports/monthly");
        yield return ("admin", "/admin");
        foreach (var path in (string[])
        [
            "/api/dora", $"/api/teams/{team}/dora", "/api/dora/breakdown?by=service", "/api/dora/series?granularity=month",
            "/api/space/satisfaction", "/api/space/activity", "/api/space/collaboration", "/api/space/flow",
            "/api/adoption/golden-path", "/api/adoption/templates", "/api/adoption/self-service", "/api/adoption/first-deploy",
            "/api/roi", "/api/dashboards", $"/api/reports/monthly/{MonthlyReportFiles.KeysFile}",
        ])
        {
            yield return (path, path);
        }
        foreach (var dashboard in targets.Dashboards)
        {
            foreach (var panel in dashboard.Panels)
            {
                var path = $"/api/dashboards/{dashboard.Name}/panels/{panel}" + (dashboard.NeedsTeam ? $"?team={team}" : "");
                yield return (path, path);
            }
        }
    }

    /// <summary>
    /// The app for <c>analytics-bench pages-serve</c>: the shipped host over <paramref name="dataPath"/> on
    /// <paramref name="port"/>, loading the organisation when the store is empty; writes the team and dashboards
    /// to request once it has started, and runs until stopped (SIGTERM).
    /// </summary>
    /// <param name="engineMemoryMiB">Analytics:Store:EngineMemoryLimitMiB, or null for the app's default.</param>
    public static async Task ServeAsync(string scale, int seed, string dataPath, int port, int? engineMemoryMiB, CancellationToken cancellationToken)
    {
        await using var app = BenchmarkHost.BuildWebApp(dataPath, BenchmarkStore.Database, port,
        [
            new("Analytics:Demo:LoadWhenEmpty", "true"),
            new("Analytics:Demo:Scale", scale),
            new("Analytics:Demo:Seed", seed.ToString(CultureInfo.InvariantCulture)),
            .. engineMemoryMiB is { } mib ? [new KeyValuePair<string, string?>("Analytics:Store:EngineMemoryLimitMiB", mib.ToString(CultureInfo.InvariantCulture))] : Array.Empty<KeyValuePair<string, string?>>(),
        ]);
        await app.StartAsync(cancellationToken);
        var teams = await app.Services.GetRequiredService<CatalogLookups>().TeamSlugsAsync(cancellationToken);
        var catalog = app.Services.GetRequiredService<DashboardCatalog>();
        var dashboards = catalog.Names().Select(name => catalog.Load(name)!)
            .Select(definition => new DashboardTarget(definition.Name, definition.NeedsTeam,
                definition.Panels.Where(panel => PanelExports.Extensions(panel).Count > 0).Select(panel => $"{panel.Id}.{PanelExports.Extensions(panel)[0]}").ToList()))
            .ToList();
        await File.WriteAllTextAsync(Path.Combine(dataPath, TargetsFile), JsonSerializer.Serialize(new Targets(teams[0], dashboards)), cancellationToken);
        await app.WaitForShutdownAsync(cancellationToken);
    }

    private async Task<RunningApp> StartAppAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(dataPath);
        File.Delete(Path.Combine(dataPath, TargetsFile));
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        // The benchmark itself, run as `dotnet analytics-bench.dll` or as its own executable.
        var start = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false, RedirectStandardOutput = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(PageBenchmark).Assembly.Location);
        }
        foreach (var argument in (string[])["pages-serve", "--scale", scale, "--seed", seed.ToString(CultureInfo.InvariantCulture), "--data", dataPath, "--port", port.ToString(CultureInfo.InvariantCulture)])
        {
            start.ArgumentList.Add(argument);
        }
        if (_options.EngineMemoryMiB is { } mib)
        {
            start.ArgumentList.Add("--engine-memory-mib");
            start.ArgumentList.Add(mib.ToString(CultureInfo.InvariantCulture));
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("The app process did not start.");
        await Task.Yield();
        cancellationToken.ThrowIfCancellationRequested();
        return new RunningApp(process, new Uri($"http://127.0.0.1:{port}/"));
    }

    /// <summary>Waits until the overview answers 200 and the app has written its targets.</summary>
    private async Task FirstPageAsync(RunningApp app, TimeSpan limit, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = app.Address, Timeout = limit };
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (app.Process.HasExited)
            {
                throw new InvalidOperationException($"The app exited with code {app.Process.ExitCode} before serving a page.");
            }
            try
            {
                using var response = await http.GetAsync("/", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK && File.Exists(Path.Combine(dataPath, TargetsFile)))
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            if (watch.Elapsed > limit)
            {
                throw new TimeoutException($"The app served no page within {limit}.");
            }
            await Task.Delay(50, cancellationToken);
        }
    }

    private static async Task StopAsync(RunningApp app)
    {
        if (!app.Process.HasExited)
        {
            // SIGTERM: the host stops and the engine closes its files, as on a real restart.
            using (var kill = Process.Start("kill", ["-TERM", app.Process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill!.WaitForExitAsync();
            }
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            try
            {
                await app.Process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                app.Process.Kill(entireProcessTree: true);
            }
        }
        app.Process.Dispose();
    }

    /// <summary>A memory figure of /proc/&lt;pid&gt;/status (VmRSS: resident now; VmHWM: the peak since start), in bytes.</summary>
    private static long Status(Process process, string field)
    {
        var line = File.ReadLines($"/proc/{process.Id}/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }

    internal static double Percentile(List<double> sorted, double q)
    {
        var position = q * (sorted.Count - 1);
        var lower = (int)Math.Floor(position);
        return sorted[lower] + (position - lower) * (sorted[Math.Min(lower + 1, sorted.Count - 1)] - sorted[lower]);
    }

    private sealed record RunningApp(Process Process, Uri Address);

    internal sealed record Targets(string Team, IReadOnlyList<DashboardTarget> Dashboards);

    internal sealed record DashboardTarget(string Name, bool NeedsTeam, IReadOnlyList<string> Panels);
}

public sealed record PageTiming(string Page, string Path, int Requests, double P50Milliseconds, double P95Milliseconds)
{
    /// <summary>The bytes of the response body (for a page: the HTML with its persisted component state).</summary>
    public long? Bytes { get; init; }

    /// <summary>The status of a request that failed (the page then has no times).</summary>
    public HttpStatusCode? Failed { get; init; }

    /// <summary>In the browser: the page's figures were not in the document within the time limit (no times).</summary>
    public bool NotRendered { get; init; }

    /// <summary>The table row `bench pages` prints for this timing.</summary>
    public string MarkdownRow() =>
        Failed is { } status ? $"| {Page} (`{Path}`) | {Requests} | **{(int)status} {status}** | | |"
        : NotRendered ? $"| {Page} (`{Path}`) | {Requests} | **not rendered within 120 s** | | |"
        : $"| {Page} (`{Path}`) | {Requests} | {P50Milliseconds:N0} | {P95Milliseconds:N0} | {Bytes?.ToString("N0", CultureInfo.InvariantCulture)} |";
}

/// <param name="Loaded">The data path holds the organisation already (`--store`): no first start, the app only restarts on it.</param>
/// <param name="OnLoaded">Called with the first start's time once the app has loaded an empty store.</param>
/// <param name="EngineMemoryMiB">The app's Analytics:Store:EngineMemoryLimitMiB (null: its default).</param>
/// <param name="Only">Time only the pages whose name or path contains one of these (none: every page).</param>
/// <param name="WarmUps">Untimed requests per page before the timed ones.</param>
/// <param name="OnTiming">Called with each page's timing as soon as it is measured (a long run shows its rows as it goes).</param>
public sealed record PageBenchmarkOptions(bool Loaded = false, Action<TimeSpan>? OnLoaded = null, int? EngineMemoryMiB = null, IReadOnlyList<string>? Only = null, int WarmUps = 2,
    Action<PageTiming>? OnTiming = null)
{
    public IReadOnlyList<string> Only { get; init; } = Only ?? [];
}

/// <param name="FirstStart">The first start: the app loads the organisation, refreshes the derived tables and serves the overview (null: the store was loaded already).</param>
/// <param name="RestartToFirstPage">From starting the app again on the loaded store until its overview is served.</param>
/// <param name="ResidentAfterStart">The app's resident memory once it served its first page after the restart.</param>
/// <param name="PeakResident">The app's peak resident memory (VmHWM) from the restart to the end of the run.</param>
public sealed record PageBenchmarkReport(string Scale, TimeSpan? FirstStart, TimeSpan RestartToFirstPage, long ResidentAfterStart, long PeakResident, IReadOnlyList<PageTiming> Timings);
