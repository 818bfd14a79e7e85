using System.Diagnostics;
using System.Globalization;
using System.Text;
using Analytics.Ingestors.Csv;
using Analytics.Ingestors.Demo;
using Analytics.Ingestors.Git;
using Analytics.Storage;
using Analytics.Storage.ClickHouse;
using LibGit2Sharp;

namespace Analytics.Bench;

/// <summary>
/// Ingest throughput of the CSV and local git paths, end to end through the same services the CLI uses:
/// a deployments CSV written from the generated organisation, and a generated git repository with tags.
/// </summary>
public sealed class IngestBenchmark(DemoScale scale, int seed, int gitCommits, string workPath)
{
    private const int CommitsPerTag = 20;

    public async Task<IngestBenchmarkReport> RunAsync(IProgress<string> progress, CancellationToken cancellationToken)
    {
        using var host = BenchmarkHost.Build(workPath, "bench_ingest");
        var services = host.Services;
        await services.GetRequiredService<StoreStartup>().RunAsync(cancellationToken);

        progress.Report("writing the deployments CSV…");
        var csvPath = Path.Combine(workPath, "deployments.csv");
        var csvRows = await WriteDeploymentsCsvAsync(csvPath, cancellationToken);
        progress.Report($"importing {csvRows:N0} deployments…");
        var csvWatch = Stopwatch.StartNew();
        var report = await services.GetRequiredService<CsvImporter>().ImportAsync(csvPath, CsvKind.Deployments, "bench", skipInvalid: false, cancellationToken: cancellationToken);
        csvWatch.Stop();
        var imported = report.Files.Sum(file => file.RowsImported);
        if (imported != csvRows)
        {
            throw new InvalidOperationException($"The CSV import took {imported} of {csvRows} rows: {string.Join("; ", report.Files.SelectMany(f => f.Errors).Take(3))}");
        }

        progress.Report($"building a git repository of {gitCommits:N0} commits…");
        var repositoryPath = BuildRepository(Path.Combine(workPath, "repo"));
        progress.Report("ingesting it…");
        var gitWatch = Stopwatch.StartNew();
        var git = await services.GetRequiredService<GitRepositoryIngestor>().IngestAsync(
            new GitIngestRequest(repositoryPath, "bench-service", "bench/service", "main", TagPattern.Parse("v*")), cursor: null, cancellationToken);
        gitWatch.Stop();

        await services.GetRequiredService<IClickHouseStore>().DisposeAsync();
        return new IngestBenchmarkReport(csvRows, csvWatch.Elapsed, git.RowsPerTable, gitWatch.Elapsed);
    }

    private async Task<long> WriteDeploymentsCsvAsync(string path, CancellationToken cancellationToken)
    {
        var generator = new DemoOrganisationGenerator(scale, seed, new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero));
        var columns = generator.Deployments.Columns;
        string[] wanted = ["deployment_id", "service", "environment", "status", "kind", "related_deployment_id", "repository", "sha", "started_at", "finished_at", "url"];
        var index = wanted.Select(name => columns.ToList().IndexOf(name)).ToArray();
        await using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
        await writer.WriteLineAsync(string.Join(',', wanted));
        long rows = 0;
        foreach (var row in generator.Deployments.Rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await writer.WriteLineAsync(string.Join(',', index.Select(i => Field(row[i]))));
            rows++;
        }
        return rows;
    }

    private static string Field(object? value) => value switch
    {
        null => "",
        DateTime time => time.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        DateTimeOffset time => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>A linear history on main with a lightweight tag every <see cref="CommitsPerTag"/> commits.</summary>
    private string BuildRepository(string path)
    {
        Repository.Init(path);
        using var repository = new Repository(path);
        var start = DateTimeOffset.UtcNow.Date.AddDays(-60);
        var step = TimeSpan.FromDays(59) / gitCommits;
        Commit? parent = null;
        for (var i = 0; i < gitCommits; i++)
        {
            var when = new DateTimeOffset(start + step * i, TimeSpan.Zero);
            var signature = new Signature($"dev{i % 50}", $"dev{i % 50}@example.com", when);
            var blob = repository.ObjectDatabase.CreateBlob(new MemoryStream(Encoding.UTF8.GetBytes($"change {i}\n")));
            var tree = new TreeDefinition().Add("file.txt", blob, Mode.NonExecutableFile);
            var commit = repository.ObjectDatabase.CreateCommit(signature, signature, $"change {i}", repository.ObjectDatabase.CreateTree(tree), parent is null ? [] : [parent], prettifyMessage: false);
            parent = commit;
            if ((i + 1) % CommitsPerTag == 0)
            {
                repository.Tags.Add($"v1.{(i + 1) / CommitsPerTag}.0", commit);
            }
        }
        repository.Refs.Add("refs/heads/main", parent!.Id);
        repository.Refs.UpdateTarget("HEAD", "refs/heads/main");
        return path;
    }
}

public sealed record IngestBenchmarkReport(long CsvRows, TimeSpan Csv, IReadOnlyDictionary<string, long> GitRows, TimeSpan Git)
{
    public long GitRowsTotal => GitRows.Values.Sum();
}
