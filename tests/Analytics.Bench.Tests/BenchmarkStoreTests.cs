using Analytics.Ingestors.Demo;
using Xunit;

namespace Analytics.Bench.Tests;

/// <summary>
/// `--store`: the generated organisation loaded once into a folder and reused by the next benchmark, through the real
/// embedded engine at scale tiny. chDB serves one storage path per process, so every step uses the one folder.
/// </summary>
public sealed class BenchmarkStoreTests
{
    private static readonly DateTimeOffset End = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"analytics-bench-tests-{Environment.ProcessId}");

    [Fact]
    public async Task A_store_is_loaded_once_then_reused_and_another_scale_or_seed_is_refused()
    {
        var progress = new Progress<string>(_ => { });
        // Left by an earlier process of the same id; not removed afterwards, as the engine holds it until the process ends.
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
        ulong rows;
        await using (var first = await GeneratedOrganisationStore.LoadAsync(DemoScale.Tiny, 7, End, _folder, progress, CancellationToken.None))
        {
            Assert.False(first.Reused);
            rows = await DeploymentsAsync(first);
            Assert.True(rows > 0);
            Assert.True(first.Organisation.Rows > 0);
        }
        var marker = BenchmarkStore.Find(_folder, DemoScale.Tiny, 7);
        Assert.NotNull(marker);
        Assert.Equal(("tiny", 7, End), (marker.Scale, marker.Seed, marker.End));

        // A later day: the store keeps the history it was loaded with, and nothing is loaded again.
        await using (var second = await GeneratedOrganisationStore.LoadAsync(DemoScale.Tiny, 7, End.AddDays(2), _folder, progress, CancellationToken.None))
        {
            Assert.True(second.Reused);
            Assert.Equal(End, second.Organisation.End);
            Assert.Equal(marker.Rows, second.Organisation.Rows);
            Assert.Equal(TimeSpan.FromSeconds(marker.LoadSeconds!.Value), second.Load);
            Assert.Equal(rows, await DeploymentsAsync(second));
        }

        var otherSeed = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            GeneratedOrganisationStore.LoadAsync(DemoScale.Tiny, 8, End, _folder, progress, CancellationToken.None));
        Assert.Equal(
            $"The store {_folder} holds the organisation of scale tiny, seed 7 ({Path.Combine(_folder, BenchmarkStore.MarkerFile)}), not scale tiny, seed 8: " +
            "pass that scale and seed, another --store, or delete the folder to load again.", otherSeed.Message);
        var otherScale = Assert.Throws<InvalidOperationException>(() => BenchmarkStore.Find(_folder, DemoScale.S, 7));
        Assert.Contains("not scale s, seed 7", otherScale.Message);

        // Files without a marker: a load that did not finish, never measured as if it were whole.
        File.Delete(Path.Combine(_folder, BenchmarkStore.MarkerFile));
        var unfinished = Assert.Throws<InvalidOperationException>(() => BenchmarkStore.Find(_folder, DemoScale.Tiny, 7));
        Assert.StartsWith($"The store {_folder} is not empty but has no {BenchmarkStore.MarkerFile}", unfinished.Message);
    }

    [Fact]
    public void A_missing_or_empty_folder_is_to_be_loaded()
    {
        var empty = Path.Combine(Path.GetTempPath(), $"analytics-bench-tests-empty-{Environment.ProcessId}");
        Assert.Null(BenchmarkStore.Find(empty, DemoScale.XL, 42));
        Directory.CreateDirectory(empty);
        try
        {
            Assert.Null(BenchmarkStore.Find(empty, DemoScale.XL, 42));
        }
        finally
        {
            Directory.Delete(empty);
        }
    }

    [Fact]
    public void A_copy_keeps_the_engine_folders_links_and_shares_no_file_with_its_source()
    {
        var source = Path.Combine(Path.GetTempPath(), $"analytics-bench-tests-copy-source-{Environment.ProcessId}");
        var target = Path.Combine(Path.GetTempPath(), $"analytics-bench-tests-copy-{Environment.ProcessId}");
        try
        {
            // As the engine lays out an Atomic database: metadata/bench is a relative link into store/.
            Directory.CreateDirectory(Path.Combine(source, "clickhouse", "store", "abc"));
            Directory.CreateDirectory(Path.Combine(source, "clickhouse", "metadata"));
            File.WriteAllText(Path.Combine(source, "clickhouse", "store", "abc", "deployments.sql"), "ATTACH TABLE deployments");
            File.CreateSymbolicLink(Path.Combine(source, "clickhouse", "metadata", "bench"), "../store/abc");
            File.WriteAllText(Path.Combine(source, BenchmarkStore.MarkerFile), "{}");

            BenchmarkStore.Copy(source, target);

            Assert.Equal("../store/abc", new DirectoryInfo(Path.Combine(target, "clickhouse", "metadata", "bench")).LinkTarget);
            Assert.Equal("{}", File.ReadAllText(Path.Combine(target, BenchmarkStore.MarkerFile)));
            // The benchmark writes into the copy (through the link, as the engine does); the source must not change with it.
            File.WriteAllText(Path.Combine(target, "clickhouse", "metadata", "bench", "deployments.sql"), "changed");
            Assert.Equal("changed", File.ReadAllText(Path.Combine(target, "clickhouse", "store", "abc", "deployments.sql")));
            Assert.Equal("ATTACH TABLE deployments", File.ReadAllText(Path.Combine(source, "clickhouse", "store", "abc", "deployments.sql")));
        }
        finally
        {
            foreach (var folder in new[] { source, target }.Where(Directory.Exists))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static async Task<ulong> DeploymentsAsync(GeneratedOrganisationStore loaded) =>
        (await loaded.Store.QueryAsync<CountRow>("SELECT count() AS rows FROM deployments FINAL")).Single().Rows;

    private sealed record CountRow(ulong Rows);
}
