namespace Analytics.Storage.Tests.ClickHouse;

/// <summary>
/// What every transport must do the same way. Subclasses supply a fresh store per test:
/// the embedded engine always, a ClickHouse server when CLICKHOUSE_URL is set.
/// </summary>
public abstract class StoreContract
{
    protected abstract Task<IClickHouseStore> NewStoreAsync();

    private sealed record ValueRow(string Value);

    private sealed record CountRow(ulong Rows, ulong Distinct);

    private sealed record TypedRow(uint Id, string Name, DateTimeOffset At, double? Score, string[] Tags, bool Flag);

    [ContractFact]
    public async Task Migrations_are_applied_once_and_recorded()
    {
        await using var store = await NewStoreAsync();
        var runner = new MigrationRunner(store, new SqlFiles());

        var first = await runner.MigrateAsync();
        var second = await runner.MigrateAsync();

        Assert.Equal(new SqlFiles().Migrations().Select(m => m.Version), first);
        Assert.Empty(second);
        var tables = await store.QueryAsync<ValueRow>("SELECT name AS value FROM system.tables WHERE database = currentDatabase() ORDER BY name");
        Assert.Contains(tables, t => t.Value == "deployments");
        Assert.Contains(tables, t => t.Value == "catalog_service_ownership");
    }

    [ContractFact]
    public async Task A_bulk_insert_may_span_more_partitions_than_the_engine_allows_by_default()
    {
        // ClickHouse refuses an INSERT block touching more than 100 partitions unless told otherwise; even yearly
        // commits can span that many (dates of 1970 from broken clocks beside today's). 150 years, one row each.
        await using var store = await NewStoreAsync();
        await new MigrationRunner(store, new SqlFiles()).MigrateAsync();
        var rows = Enumerable.Range(0, 150).Select(i => new object?[]
        {
            "acme/old", $"sha{i}", Array.Empty<string>(), "a@x", "A", new DateTimeOffset(1900 + i, 6, 1, 0, 0, 0, TimeSpan.Zero),
            "a@x", new DateTimeOffset(1900 + i, 6, 1, 0, 0, 0, TimeSpan.Zero), "m", "test",
        });

        var sent = await store.InsertAsync("commits",
            ["repository", "sha", "parents", "author_email", "author_name", "authored_at", "committer_email", "committed_at", "message", "source"], rows);

        Assert.Equal(150, sent);
        var stored = Assert.Single(await store.QueryAsync<CountRow>("SELECT count() AS rows, uniqExact(toYear(committed_at)) AS distinct FROM commits"));
        Assert.Equal((150UL, 150UL), (stored.Rows, stored.Distinct));
    }

    [ContractFact]
    public async Task A_query_under_a_timeout_is_stopped_by_the_engine_and_the_next_one_has_no_limit()
    {
        await using var store = await NewStoreAsync();

        IReadOnlyList<ValueRow> inside;
        Exception? slow;
        using (QueryTimeout.Use(TimeSpan.FromSeconds(1)))
        {
            inside = await store.QueryAsync<ValueRow>("SELECT toString(getSetting('max_execution_time')) AS value");
            slow = await Record.ExceptionAsync(() => store.QueryAsync<ValueRow>("SELECT toString(sum(cityHash64(number))) AS value FROM numbers(1000000000000)"));
        }
        var after = await store.QueryAsync<ValueRow>("SELECT toString(getSetting('max_execution_time')) AS value");

        Assert.Equal("1", Assert.Single(inside).Value);
        Assert.Equal(ClickHouseException.TimeoutExceeded, Assert.IsType<ClickHouseException>(slow).Code);
        Assert.Equal("0", Assert.Single(after).Value);
    }

    private static readonly string[] HostileStrings =
    [
        "it's", @"back\slash \N \t", "'; DROP TABLE probe; --", "tab\tnew\nline\r", "ünïcødé — 日本語 🚀", "{x:String}", "",
    ];

    [ContractFact]
    public async Task Bound_strings_round_trip_unchanged()
    {
        await using var store = await NewStoreAsync();
        await store.ExecuteAsync("CREATE TABLE probe (value String) ENGINE = MergeTree ORDER BY tuple()");

        foreach (var hostile in HostileStrings)
        {
            await store.ExecuteAsync("INSERT INTO probe (value) VALUES ({v:String})", QueryParameters.From(("v", hostile)));
            var echoed = await store.QueryAsync<ValueRow>("SELECT {v:String} AS value", QueryParameters.From(("v", hostile)));
            var stored = await store.QueryAsync<ValueRow>("SELECT value FROM probe WHERE value = {v:String}", QueryParameters.From(("v", hostile)));

            Assert.Equal(hostile, Assert.Single(echoed).Value);
            Assert.Equal(hostile, Assert.Single(stored).Value);
        }
        var count = Assert.Single(await store.QueryAsync<CountRow>("SELECT count() AS rows, uniqExact(value) AS distinct FROM probe"));
        Assert.Equal((ulong)HostileStrings.Length, count.Distinct);
    }

    [ContractFact]
    public async Task Typed_rows_map_by_column_name()
    {
        await using var store = await NewStoreAsync();
        var at = new DateTimeOffset(2025, 3, 30, 1, 30, 15, 123, TimeSpan.Zero);

        var row = Assert.Single(await store.QueryAsync<TypedRow>(
            "SELECT {id:UInt32} AS id, {name:String} AS name, {at:DateTime64(3, 'UTC')} AS at, CAST(NULL AS Nullable(Float64)) AS score, {tags:Array(String)} AS tags, true AS flag",
            QueryParameters.From(("id", 4_000_000_000u), ("name", "x"), ("at", at), ("tags", new[] { "a'b", "c" }))));

        Assert.Equal(4_000_000_000u, row.Id);
        Assert.Equal("x", row.Name);
        Assert.Equal(at, row.At);
        Assert.Null(row.Score);
        Assert.Equal(["a'b", "c"], row.Tags);
        Assert.True(row.Flag);
    }

    [ContractFact]
    public async Task Bulk_insert_of_a_million_rows_arrives_whole()
    {
        const int rowCount = 1_000_000;
        await using var store = await NewStoreAsync();
        await store.ExecuteAsync("CREATE TABLE bulk (id UInt64, label String, at DateTime64(3, 'UTC'), parents Array(String)) ENGINE = MergeTree ORDER BY id");
        var start = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        var sent = await store.InsertAsync("bulk", ["id", "label", "at", "parents"],
            Enumerable.Range(0, rowCount).Select(i => new object?[] { (ulong)i, $"row\t{i}\\", start.AddSeconds(i), new[] { $"p{i}" } }));

        var counts = Assert.Single(await store.QueryAsync<CountRow>("SELECT count() AS rows, uniqExact(id) AS distinct FROM bulk"));
        Assert.Equal(rowCount, sent);
        Assert.Equal((ulong)rowCount, counts.Rows);
        Assert.Equal((ulong)rowCount, counts.Distinct);
        var last = Assert.Single(await store.QueryAsync<ValueRow>("SELECT label AS value FROM bulk WHERE id = {id:UInt64}", QueryParameters.From(("id", rowCount - 1))));
        Assert.Equal($"row\t{rowCount - 1}\\", last.Value);
    }

    [ContractFact]
    public async Task Reinserting_the_same_keys_leaves_one_row_each_after_dedup()
    {
        await using var store = await NewStoreAsync();
        await new MigrationRunner(store, new SqlFiles()).MigrateAsync();
        var started = new DateTime(2025, 6, 2, 10, 0, 0, DateTimeKind.Utc);
        object?[] Deployment(string id, string status, DateTime ingested) =>
            [id, "checkout", "production", status, "normal", "", "acme/checkout", "abc", started, started.AddMinutes(5), "", "test", ingested];
        string[] columns = ["deployment_id", "service", "environment", "status", "kind", "related_deployment_id", "repository", "sha", "started_at", "finished_at", "url", "source", "ingested_at"];

        await store.InsertAsync("deployments", columns, [Deployment("d1", "in_progress", started), Deployment("d2", "success", started)]);
        await store.InsertAsync("deployments", columns, [Deployment("d1", "success", started.AddHours(1)), Deployment("d2", "success", started.AddHours(1))]);

        var rows = await store.QueryAsync<ValueRow>("SELECT concat(deployment_id, ':', status) AS value FROM deployments FINAL ORDER BY deployment_id");
        Assert.Equal(["d1:success", "d2:success"], rows.Select(r => r.Value));
    }

    [ContractFact]
    public async Task Bad_sql_surfaces_the_engine_code_and_message()
    {
        await using var store = await NewStoreAsync();

        var syntax = await Assert.ThrowsAsync<ClickHouseException>(() => store.ExecuteAsync("SELEC 1"));
        var unknownTable = await Assert.ThrowsAsync<ClickHouseException>(() => store.QueryAsync<ValueRow>("SELECT 'x' AS value FROM no_such_table"));

        Assert.Equal(62, syntax.Code);
        Assert.Contains("Syntax error", syntax.EngineMessage, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(60, unknownTable.Code);
        Assert.Contains("no_such_table", unknownTable.EngineMessage, StringComparison.Ordinal);
    }

    [ContractFact]
    public async Task A_failed_insert_reports_the_bad_value()
    {
        await using var store = await NewStoreAsync();
        await store.ExecuteAsync("CREATE TABLE typed (n UInt32) ENGINE = MergeTree ORDER BY n");

        var error = await Assert.ThrowsAsync<ClickHouseException>(() => store.InsertAsync("typed", ["n"], [["not a number"]]));

        Assert.True(error.Code > 0, error.Message);
        Assert.Empty(await store.QueryAsync<CountRow>("SELECT count() AS rows, 0 AS distinct FROM typed HAVING rows > 0"));
    }
}
