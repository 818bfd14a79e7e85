using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Analytics.Ingestors.Runs;
using Analytics.Simulators.GitHub;
using Analytics.Storage;
using Analytics.Storage.ClickHouse;

namespace Analytics.Bench;

/// <summary>
/// What a GitHub source spends: a full sync of a generated organisation served by the GitHub simulator (Kestrel on
/// loopback, real response shapes, GitHub's rules for pages, ETags and rate-limit points), then an incremental sync
/// of the same, unchanged organisation. Requests and points are counted by the server, so retries and 304s count
/// as GitHub would count them.
/// </summary>
public sealed class GitHubBenchmark(int repositories, int pullRequestsPerRepository, string workPath)
{
    private const string SourceName = "bench-github";
    private const string Organisation = "bench";

    public async Task<GitHubBenchmarkReport> RunAsync(IProgress<string> progress, CancellationToken cancellationToken)
    {
        progress.Report($"generating {repositories:N0} repositories × {pullRequestsPerRepository:N0} pull requests…");
        var organisation = GeneratedOrganisation.Create(Organisation, repositories, pullRequestsPerRepository, new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero));
        // A throwaway token: the simulator only checks that the client sends it.
        var token = $"ghp_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(18))}";
        await using var gitHub = await FakeGitHubServer.StartAsync(TimeProvider.System, token, organisation);
        // Points are counted, never run out: the benchmark measures what a sync spends, not how it waits.
        gitHub.RateLimit = int.MaxValue;

        var section = $"{IngestSources.Section}:{SourceName}";
        using var host = BenchmarkHost.Build(workPath, "bench_github",
            new($"{section}:Kind", "github"),
            new($"{section}:BaseUrl", gitHub.BaseUrl),
            new($"{section}:Token", token),
            new($"{section}:Organizations", Organisation),
            new($"{section}:IncidentLabels", GeneratedOrganisation.IncidentLabel));
        var services = host.Services;
        await services.GetRequiredService<StoreStartup>().RunAsync(cancellationToken);

        progress.Report("full sync…");
        var full = await SyncAsync(services, gitHub, cancellationToken);
        progress.Report($"full sync: {full.Requests:N0} requests in {full.Elapsed.TotalSeconds:N0} s; incremental sync of the unchanged organisation…");
        var incremental = await SyncAsync(services, gitHub, cancellationToken);

        await services.GetRequiredService<IClickHouseStore>().DisposeAsync();
        return new GitHubBenchmarkReport(
            repositories, pullRequestsPerRepository, organisation.Repositories.Sum(r => r.Commits.Count), organisation.Repositories.Sum(r => r.Deployments.Count), full, incremental);
    }

    private static async Task<GitHubSyncFigures> SyncAsync(IServiceProvider services, FakeGitHubServer gitHub, CancellationToken cancellationToken)
    {
        gitHub.ClearServed();
        var pointsBefore = gitHub.PointsSpent;
        var source = services.GetRequiredService<IngestSources>().Create(SourceName);
        var watch = Stopwatch.StartNew();
        var outcome = await services.GetRequiredService<IngestRunner>().RunAsync(source, cancellationToken);
        watch.Stop();
        if (!outcome.Succeeded)
        {
            throw new InvalidOperationException($"The GitHub sync (run {outcome.RunId}) failed: {outcome.Error}");
        }
        var served = gitHub.Served;
        return new GitHubSyncFigures(
            served.Count, served.Count(r => r.Status == 304), gitHub.PointsSpent - pointsBefore, outcome.RowsPerTable.Values.Sum(), watch.Elapsed);
    }
}

/// <param name="Requests">HTTP requests the server answered, 304s and errors included.</param>
/// <param name="NotModified">Of those, answered 304 Not Modified (free).</param>
/// <param name="RateLimitPoints">Points of the primary rate limit spent, counted as GitHub does.</param>
/// <param name="Rows">Rows written to the store (every table, deployment links included).</param>
public sealed record GitHubSyncFigures(long Requests, long NotModified, long RateLimitPoints, long Rows, TimeSpan Elapsed)
{
    public double RowsPerSecond => Rows / Math.Max(Elapsed.TotalSeconds, 1e-9);

    public double RequestsPerSecond => Requests / Math.Max(Elapsed.TotalSeconds, 1e-9);
}

public sealed record GitHubBenchmarkReport(
    int Repositories, int PullRequestsPerRepository, long Commits, long Deployments, GitHubSyncFigures Full, GitHubSyncFigures Incremental)
{
    /// <summary>The figures as a Markdown table, for docs/benchmarks.md.</summary>
    public IEnumerable<string> MarkdownLines()
    {
        static string F(double value) => value.ToString("N0", CultureInfo.InvariantCulture);
        yield return $"{F(Repositories)} repositories × {F(PullRequestsPerRepository)} pull requests ({F(Repositories * (long)PullRequestsPerRepository)} pull requests, {F(Commits)} commits, {F(Deployments)} deployments)";
        yield return "";
        yield return "| sync | requests | of which 304 | rate-limit points | rows | time (s) | rows/s | requests/s |";
        yield return "|---|---:|---:|---:|---:|---:|---:|---:|";
        foreach (var (name, figures) in new[] { ("full", Full), ("incremental, unchanged", Incremental) })
        {
            yield return $"| {name} | {F(figures.Requests)} | {F(figures.NotModified)} | {F(figures.RateLimitPoints)} | {F(figures.Rows)} | {figures.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)} | {F(figures.RowsPerSecond)} | {F(figures.RequestsPerSecond)} |";
        }
    }
}
