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
        var rest = await RunAsync("rest", progress, cancellationToken);
        var graphQl = await RunAsync("graphql", progress, cancellationToken);
        return new GitHubBenchmarkReport(repositories, pullRequestsPerRepository, rest.Commits, rest.Deployments, rest.Full, rest.Incremental)
        {
            GraphQlFull = graphQl.Full,
            GraphQlIncremental = graphQl.Incremental,
        };
    }

    /// <summary>A full and an unchanged sync of a fresh organisation (the same every time: it is generated) with the source's <c>Api</c> set to <paramref name="api"/>.</summary>
    private async Task<(long Commits, long Deployments, GitHubSyncFigures Full, GitHubSyncFigures Incremental)> RunAsync(
        string api, IProgress<string> progress, CancellationToken cancellationToken)
    {
        progress.Report($"{api}: generating {repositories:N0} repositories × {pullRequestsPerRepository:N0} pull requests…");
        var organisation = GeneratedOrganisation.Create(Organisation, repositories, pullRequestsPerRepository, new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero));
        // A throwaway token: the simulator only checks that the client sends it.
        var token = $"ghp_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(18))}";
        await using var gitHub = await FakeGitHubServer.StartAsync(TimeProvider.System, token, organisation);
        // Points are counted, never run out: the benchmark measures what a sync spends, not how it waits.
        gitHub.RateLimit = int.MaxValue;

        // One store and catalog, a database and a source (so cursors) of each API's own.
        var sourceName = $"{SourceName}-{api}";
        var section = $"{IngestSources.Section}:{sourceName}";
        using var host = BenchmarkHost.Build(workPath, $"bench_github_{api}",
            new($"{section}:Kind", "github"),
            new($"{section}:BaseUrl", gitHub.BaseUrl),
            new($"{section}:Token", token),
            new($"{section}:Api", api),
            new($"{section}:Organizations", Organisation),
            new($"{section}:IncidentLabels", GeneratedOrganisation.IncidentLabel));
        var services = host.Services;
        await services.GetRequiredService<StoreStartup>().RunAsync(cancellationToken);

        progress.Report($"{api}: full sync…");
        var full = await SyncAsync(services, gitHub, sourceName, cancellationToken);
        progress.Report($"{api}: full sync: {full.Requests:N0} requests, {full.RateLimitPoints:N0} points in {full.Elapsed.TotalSeconds:N0} s; incremental sync of the unchanged organisation…");
        var incremental = await SyncAsync(services, gitHub, sourceName, cancellationToken);

        await services.GetRequiredService<IClickHouseStore>().DisposeAsync();
        return (organisation.Repositories.Sum(r => r.Commits.Count), organisation.Repositories.Sum(r => r.Deployments.Count), full, incremental);
    }

    private static async Task<GitHubSyncFigures> SyncAsync(IServiceProvider services, FakeGitHubServer gitHub, string sourceName, CancellationToken cancellationToken)
    {
        gitHub.ClearServed();
        var pointsBefore = gitHub.PointsSpent;
        var (outcome, elapsed) = await SourceSync.RunAsync(services, sourceName, "GitHub", cancellationToken);
        var served = gitHub.Served;
        var graphQl = served.Where(r => r.Api == FakeGitHubServer.GraphQlApi).ToList();
        return new GitHubSyncFigures(
            served.Count, served.Count(r => r.Status == 304), gitHub.PointsSpent - pointsBefore, outcome.RowsPerTable.Values.Sum(), elapsed)
        {
            GraphQlQueries = graphQl.Count,
            GraphQlPoints = graphQl.Sum(r => (long)r.Cost),
        };
    }
}

/// <param name="Requests">HTTP requests the server answered (REST and GraphQL), 304s and errors included.</param>
/// <param name="NotModified">Of those, answered 304 Not Modified (free).</param>
/// <param name="RateLimitPoints">Points spent (REST's and GraphQL's limits together), counted as GitHub does.</param>
/// <param name="Rows">Rows written to the store (every table, deployment links included).</param>
public sealed record GitHubSyncFigures(long Requests, long NotModified, long RateLimitPoints, long Rows, TimeSpan Elapsed)
{
    /// <summary>Of <see cref="Requests"/>, GraphQL queries.</summary>
    public long GraphQlQueries { get; init; }

    /// <summary>Of <see cref="RateLimitPoints"/>, GraphQL's (each query's computed cost).</summary>
    public long GraphQlPoints { get; init; }

    public long RestRequests => Requests - GraphQlQueries;

    public long RestPoints => RateLimitPoints - GraphQlPoints;

    public double RowsPerSecond => Rows / Math.Max(Elapsed.TotalSeconds, 1e-9);

    public double RequestsPerSecond => Requests / Math.Max(Elapsed.TotalSeconds, 1e-9);
}

/// <param name="Full">The full sync by REST (<c>Api = rest</c>): before GraphQL.</param>
/// <param name="Incremental">The unchanged re-sync by REST.</param>
public sealed record GitHubBenchmarkReport(
    int Repositories, int PullRequestsPerRepository, long Commits, long Deployments, GitHubSyncFigures Full, GitHubSyncFigures Incremental)
{
    /// <summary>The full sync with <c>Api = graphql</c> (the default): after.</summary>
    public GitHubSyncFigures? GraphQlFull { get; init; }

    public GitHubSyncFigures? GraphQlIncremental { get; init; }

    /// <summary>The figures as a Markdown table, for docs/benchmarks.md.</summary>
    public IEnumerable<string> MarkdownLines()
    {
        static string F(double value) => value.ToString("N0", CultureInfo.InvariantCulture);
        yield return $"{F(Repositories)} repositories × {F(PullRequestsPerRepository)} pull requests ({F(Repositories * (long)PullRequestsPerRepository)} pull requests, {F(Commits)} commits, {F(Deployments)} deployments)";
        yield return "";
        yield return "| Api | sync | REST requests | of which 304 | REST points | GraphQL queries | GraphQL points | points | rows | time (s) | rows/s |";
        yield return "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|";
        var runs = new List<(string Api, string Sync, GitHubSyncFigures Figures)> { ("rest", "full", Full), ("rest", "incremental, unchanged", Incremental) };
        if (GraphQlFull is not null && GraphQlIncremental is not null)
        {
            runs.Add(("graphql", "full", GraphQlFull));
            runs.Add(("graphql", "incremental, unchanged", GraphQlIncremental));
        }
        foreach (var (api, name, figures) in runs)
        {
            yield return $"| {api} | {name} | {F(figures.RestRequests)} | {F(figures.NotModified)} | {F(figures.RestPoints)} | {F(figures.GraphQlQueries)} | {F(figures.GraphQlPoints)} | {F(figures.RateLimitPoints)} | {F(figures.Rows)} | {figures.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)} | {F(figures.RowsPerSecond)} |";
        }
        if (GraphQlFull is not null)
        {
            yield return "";
            yield return $"GraphQL full sync: {(100.0 * GraphQlFull.RateLimitPoints / Math.Max(1, Full.RateLimitPoints)).ToString("0.00", CultureInfo.InvariantCulture)}% of REST's points.";
        }
    }
}
