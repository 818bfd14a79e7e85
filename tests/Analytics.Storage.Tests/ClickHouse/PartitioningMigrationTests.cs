namespace Analytics.Storage.Tests.ClickHouse;

/// <summary>
/// Migration 0010 rebuilds the monthly-partitioned tables of a store written before it (yearly for the tables a
/// backfill fills, none for the rest), keeping every row.
/// </summary>
public sealed class PartitioningMigrationTests
{
    [Fact]
    public async Task A_store_with_monthly_partitions_keeps_its_rows_and_gets_few_partitions()
    {
        await using var store = await EmbeddedEngine.NewDatabaseAsync("partitions");
        await new MigrationRunner(store, new SqlFiles(CatalogueUpTo(9))).MigrateAsync();
        await store.ExecuteAsync("""
            INSERT INTO commits (repository, sha, parents, author_email, author_name, authored_at, committer_email, committed_at, message, source) VALUES
                ('acme/api', 's1', [], 'a@x', 'A', '2016-01-06 08:00:00', 'a@x', '2016-01-06 08:00:00', 'm', 't'),
                ('acme/api', 's2', ['s1'], 'a@x', 'A', '2016-02-06 08:00:00', 'a@x', '2016-02-06 08:00:00', 'm', 't'),
                ('acme/api', 's3', ['s2'], 'a@x', 'A', '2025-07-06 08:00:00', 'a@x', '2025-07-06 08:00:00', 'm', 't')
            """);
        await store.ExecuteAsync("""
            INSERT INTO incidents (incident_id, service, severity, title, started_at, resolved_at, caused_by_deployment_id, url, source) VALUES
                ('i1', 'api', 'sev1', 'x', '2025-01-07 12:00:00', '2025-01-07 13:00:00', '', '', 't')
            """);

        Assert.Equal([10], (await new MigrationRunner(store, new SqlFiles()).MigrateAsync()).Where(version => version == 10));

        Assert.Equal(3UL, Assert.Single(await store.QueryAsync<CountRow>("SELECT count() AS rows FROM commits FINAL")).Rows);
        Assert.Equal(1UL, Assert.Single(await store.QueryAsync<CountRow>("SELECT count() AS rows FROM incidents")).Rows);
        var keys = (await store.QueryAsync<KeyRow>("SELECT name, partition_key FROM system.tables WHERE database = currentDatabase()"))
            .ToDictionary(row => row.Name, row => row.PartitionKey);
        Assert.Equal("toYear(committed_at)", keys["commits"]);
        Assert.Equal("toYear(started_at)", keys["deployments"]);
        Assert.Equal("tuple()", keys["incidents"]); // one partition
        // 0010 left it unpartitioned; 0022 buckets the derived tables by their scope key for the incremental refresh.
        Assert.Equal("cityHash64(service) % 16", keys["production_deployments"]);
        Assert.DoesNotContain(keys, pair => pair.Value.Contains("toYYYYMM", StringComparison.Ordinal));
        Assert.DoesNotContain(keys.Keys, name => name.EndsWith("__repartitioned", StringComparison.Ordinal));
    }

    /// <summary>A copy of the SQL catalogue holding the migrations up to <paramref name="version"/> only.</summary>
    private static string CatalogueUpTo(int version)
    {
        var root = new SqlFiles().Root;
        var copy = Directory.CreateTempSubdirectory("sql-catalogue-").FullName;
        foreach (var file in Directory.EnumerateFiles(root, "*.sql", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, file);
            if (relative.StartsWith("migrations", StringComparison.Ordinal) && int.Parse(Path.GetFileName(file)[..4]) > version)
            {
                continue;
            }
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(copy, relative))!);
            File.Copy(file, Path.Combine(copy, relative));
        }
        return copy;
    }

    private sealed record CountRow(ulong Rows);

    private sealed record KeyRow(string Name, string PartitionKey);
}
