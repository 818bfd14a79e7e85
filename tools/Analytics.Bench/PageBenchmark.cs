using System.Diagnostics;
using Analytics.Storage.Catalog;
using Analytics.Web.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Analytics.Bench;

/// <summary>
/// Server time of dashboard pages over the generated organisation: the real host on Kestrel (127.0.0.1), each page
/// requested in full (its prerender runs every query the page needs), timed from request to last byte on loopback.
/// </summary>
/// <param name="chromium">With a path, the team page and the leadership dashboard are also timed in that browser (<see cref="BrowserPageBenchmark"/>).</param>
public sealed class PageBenchmark(string scale, int seed, int requests, string dataPath, string? chromium = null)
{
    public async Task<IReadOnlyList<PageTiming>> RunAsync(IProgress<string> progress, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            // The entry assembly is analytics-bench; the static web asset manifests beside it are named after the app.
            ApplicationName = typeof(Extensions).Assembly.GetName().Name,
            EnvironmentName = "Production",
        });
        builder.Configuration.AddInMemoryCollection(
        [
            new("Analytics:Store:DataPath", Path.Combine(dataPath, "clickhouse")),
            new("Analytics:Store:Database", "bench_pages"),
            new("ConnectionStrings:Catalog", $"Data Source={Path.Combine(dataPath, "catalog.db")}"),
            new("Analytics:Demo:LoadWhenEmpty", "true"),
            new("Analytics:Demo:Scale", scale),
            new("Analytics:Demo:Seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("Logging:LogLevel:Default", "Warning"),
        ]);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddAnalyticsWeb();
        await using var app = builder.Build();
        app.MapAnalytics();
        progress.Report($"starting the app and loading the {scale} organisation…");
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var teams = await app.Services.GetRequiredService<CatalogLookups>().TeamSlugsAsync(cancellationToken);
        using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(2) };

        var pages = new[] { ("/", "overview"), ($"/teams/{teams[0]}", "team page"), ("/dashboards/leadership", "leadership dashboard") };
        var timings = new List<PageTiming>();
        foreach (var (path, name) in pages)
        {
            progress.Report($"{name}: {requests} requests…");
            for (var i = 0; i < 3; i++)
            {
                (await http.GetAsync(path, cancellationToken)).EnsureSuccessStatusCode(); // warm-up
            }
            var times = new List<double>();
            for (var i = 0; i < requests; i++)
            {
                var watch = Stopwatch.StartNew();
                using var response = await http.GetAsync(path, cancellationToken);
                await response.Content.ReadAsByteArrayAsync(cancellationToken);
                response.EnsureSuccessStatusCode();
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            timings.Add(new PageTiming(name, path, requests, Percentile(times, 0.5), Percentile(times, 0.95)));
        }
        if (chromium is not null)
        {
            timings.AddRange(await BrowserPageBenchmark.RunAsync(new Uri(address), [
                ("team page", $"/teams/{teams[0]}", ["[data-testid=deployments] tbody tr.rz-data-row", "[data-testid=recovery-time] [data-testid=figure]", "[data-testid=cycle-time]"]),
                ("leadership dashboard", "/dashboards/leadership", ["[data-testid=deployments-chart] svg g.rz-column-series path", "[data-testid=recovery-chart] svg g.rz-line-series", "[data-testid=teams] tbody tr.rz-data-row"]),
            ], requests, chromium, progress, cancellationToken));
        }
        await app.StopAsync(cancellationToken);
        return timings;
    }

    internal static double Percentile(List<double> sorted, double q)
    {
        var position = q * (sorted.Count - 1);
        var lower = (int)Math.Floor(position);
        return sorted[lower] + (position - lower) * (sorted[Math.Min(lower + 1, sorted.Count - 1)] - sorted[lower]);
    }
}

public sealed record PageTiming(string Page, string Path, int Requests, double P50Milliseconds, double P95Milliseconds);
