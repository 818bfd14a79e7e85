using System.Diagnostics;
using Analytics.Core.Dora;
using Analytics.Ingestors.Demo;
using Analytics.Ingestors.Linking;
using Analytics.Storage.ClickHouse;
using Analytics.Storage.ClickHouse.Embedded;
using Microsoft.Extensions.Options;

namespace Analytics.Bench;

/// <summary>
/// The derived tables' refresh after small writes to a loaded organisation: one pushed production deployment (then
/// its linking), one repository's ingest-sized write (commits, pull requests, reviews) and a catalog change, each
/// refreshed the way the app does (DerivedTablesStore) — per service and repository where it can, whole tables
/// otherwise — against the whole rebuild of the same store.
/// </summary>
/// <remarks>
/// On a copy of a loaded store (`--copy-of`) the derived tables are current already: the first whole rebuild is not
/// timed again, and the report gives the one recorded when the store was loaded.
/// </remarks>
/// <param name="rounds">Services to write to, a round each; every round's catalog change costs a whole rebuild.</param>
/// <param name="memory">The engine's limits (null: ClickHouse's defaults).</param>
public sealed class RefreshBenchmark(DemoScale scale, int seed, DateTimeOffset end, string dataPath, int rounds = 3, EngineMemoryLimits? memory = null)
{
    public async Task<RefreshBenchmarkReport> RunAsync(IProgress<string> progress, CancellationToken cancellationToken)
    {
        await using var loaded = await GeneratedOrganisationStore.LoadAsync(scale, seed, end, dataPath, progress, cancellationToken, refresh: false, memory: memory);
        var store = loaded.Store;
        var rows = new List<RefreshRow>();
        if (!loaded.Reused)
        {
            progress.Report("whole rebuild after the load…");
            rows.Add(await RefreshAsync(store, "whole rebuild after the load", 0, cancellationToken));
        }

        var services = await store.QueryAsync<ServiceRow>(
            "SELECT service, any(repository) AS repository FROM production_deployments GROUP BY service ORDER BY cityHash64(service) LIMIT {n:UInt32}",
            QueryParameters.From(("n", rounds)), cancellationToken);
        var linker = new DeploymentLinker(store, Options.Create(new MetricOptions()));
        IReadOnlyList<(string Statement, TimeSpan Elapsed)> breakdown = [];
        for (var i = 0; i < services.Count; i++)
        {
            var (service, repository) = (services[i].Service, services[i].Repository);
            var at = end.AddMinutes(-10 * (i + 1));
            progress.Report($"a pushed deployment of {service}…");
            await store.InsertAsync("deployments", ["deployment_id", "service", "environment", "status", "kind", "related_deployment_id", "repository", "sha", "started_at", "finished_at", "url", "source"],
                [[$"bench-push-{i}", service, "production", "success", "", "", repository, $"bench-sha-{i}", at, at.AddMinutes(3), "", "push"]], cancellationToken);
            // Where the time of the first one goes, statement by statement.
            loaded.Timings.Recording = i == 0;
            rows.Add(await RefreshAsync(store, "one pushed deployment", 1, cancellationToken));
            loaded.Timings.Recording = false;
            breakdown = i == 0 ? loaded.Timings.Take() : breakdown;
            // Linking it, as a push does: the service's new links (its stored ones unchanged, so nothing is deleted).
            var linked = await linker.LinkAsync([service], cancellationToken);
            rows.Add(await RefreshAsync(store, "its linking (the new deployment_commits of the service)", linked.ExactLinks + linked.InferredLinks, cancellationToken));

            progress.Report($"an ingest of {repository}…");
            var written = await WriteRepositoryAsync(store, repository, i, at, cancellationToken);
            rows.Add(await RefreshAsync(store, "one repository's ingest (200 commits, 20 pull requests, 40 reviews)", written, cancellationToken));

            progress.Report("a catalog change…");
            await store.ExecuteAsync("INSERT INTO catalog_service_ownership VALUES ({service:String}, {team:String}, {at:DateTime64(3, 'UTC')}, NULL)",
                QueryParameters.From(("service", service), ("team", $"bench-team-{i}"), ("at", at)), cancellationToken);
            rows.Add(await RefreshAsync(store, "a catalog change (one ownership row)", 1, cancellationToken));
        }
        // The machine is shared: its load says how far the times can be trusted.
        var load = File.Exists("/proc/loadavg") ? (await File.ReadAllTextAsync("/proc/loadavg", cancellationToken)).Split(' ')[0] : "unknown";
        return new RefreshBenchmarkReport(scale, loaded.Organisation.Rows, rows, load, breakdown) { Copied = loaded.Reused ? loaded.Organisation : null };
    }

    private static async Task<RefreshRow> RefreshAsync(DerivedTablesStore store, string change, long rowsChanged, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        await store.RefreshStaleAsync(cancellationToken);
        watch.Stop();
        var report = store.LastRefresh ?? throw new InvalidOperationException("no refresh ran");
        return new RefreshRow(change, rowsChanged, report, watch.Elapsed);
    }

    /// <summary>What one incremental sync of a repository writes: commits, pull requests merging some of them, reviews.</summary>
    private static async Task<long> WriteRepositoryAsync(DerivedTablesStore store, string repository, int round, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var commits = Enumerable.Range(0, 200).Select(n => new object?[]
        {
            repository, $"bench-{round}-c{n}", Array.Empty<string>(), "dev@example.com", "dev", at.AddMinutes(-n), "dev@example.com", at.AddMinutes(-n), $"change {n}", "bench",
        }).ToList();
        await store.InsertAsync("commits", ["repository", "sha", "parents", "author_email", "author_name", "authored_at", "committer_email", "committed_at", "message", "source"], commits, cancellationToken);
        var pullRequests = Enumerable.Range(0, 20).Select(n => new object?[]
        {
            repository, (uint)(900_000 + round * 100 + n), $"change {n}", "dev", false, "main", at.AddHours(-n - 2), at.AddHours(-n - 2), null, at.AddMinutes(-n * 10), at.AddMinutes(-n * 10), $"bench-{round}-c{n * 10}", "", "bench",
        }).ToList();
        await store.InsertAsync("pull_requests", ["repository", "number", "title", "author_login", "author_is_bot", "base_branch", "opened_at", "first_commit_at", "first_review_at", "merged_at", "closed_at", "merge_sha", "url", "source"], pullRequests, cancellationToken);
        var reviews = Enumerable.Range(0, 40).Select(n => new object?[]
        {
            repository, (uint)(900_000 + round * 100 + n / 2), $"bench-{round}-r{n}", "reviewer", false, "approved", at.AddHours(-n / 2 - 1), "bench",
        }).ToList();
        await store.InsertAsync("pull_request_reviews", ["repository", "number", "review_id", "reviewer_login", "reviewer_is_bot", "state", "submitted_at", "source"], reviews, cancellationToken);
        return commits.Count + pullRequests.Count + reviews.Count;
    }

    private sealed record ServiceRow(string Service, string Repository);
}

public sealed record RefreshRow(string Change, long RowsChanged, DerivedRefreshReport Refresh, TimeSpan Elapsed);

public sealed record RefreshBenchmarkReport(DemoScale Scale, long? RowsLoaded, IReadOnlyList<RefreshRow> Rows, string LoadAverage, IReadOnlyList<(string Statement, TimeSpan Elapsed)> Breakdown)
{
    /// <summary>On a copy of a loaded store: what its load recorded (its whole rebuild is not timed in this run).</summary>
    public LoadedOrganisation? Copied { get; init; }

    public IEnumerable<string> MarkdownLines()
    {
        var rows = RowsLoaded is { } loaded ? $"{loaded:N0} rows loaded" : "rows loaded not recorded";
        yield return $"Scale {BenchmarkStore.Name(Scale)} ({rows}), {Environment.ProcessorCount} cores, load average {LoadAverage} (1 min) at the end.";
        if (Copied is not null)
        {
            yield return Copied.RefreshSeconds is { } seconds
                ? $"On a copy of a loaded store: its whole rebuild after the load took {seconds * 1000:N0} ms when it was loaded (not timed again here)."
                : "On a copy of a loaded store: its whole rebuild after the load was not recorded (the app loaded it); the catalog change's whole rebuild below is one.";
        }
        yield return "";
        yield return "| change | rows written | refresh | services · repositories | partitions replaced | time (ms) |";
        yield return "|---|---:|---|---:|---:|---:|";
        foreach (var row in Rows)
        {
            var kind = row.Refresh.Scoped ? "scoped" : $"whole ({row.Refresh.Reason})";
            yield return $"| {row.Change} | {row.RowsChanged:N0} | {kind} | {row.Refresh.Services} · {row.Refresh.Repositories} | {row.Refresh.PartitionsReplaced} | {row.Elapsed.TotalMilliseconds:N0} |";
        }
        yield return "";
        yield return $"The first pushed deployment's refresh, statement by statement ({Breakdown.Sum(s => s.Elapsed.TotalMilliseconds):N0} ms in the engine):";
        yield return "";
        yield return "| statement | time (ms) |";
        yield return "|---|---:|";
        foreach (var (statement, elapsed) in Breakdown)
        {
            yield return $"| `{statement.Replace("|", "\\|", StringComparison.Ordinal)}` | {elapsed.TotalMilliseconds:N0} |";
        }
    }
}
