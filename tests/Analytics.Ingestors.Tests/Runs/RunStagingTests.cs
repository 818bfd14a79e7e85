using Analytics.Ingestors.Sources;

namespace Analytics.Ingestors.Tests.Runs;

/// <summary>
/// A run's rows stay out of sight until the run succeeds (<see cref="RunStaging"/>); what a dead process left is
/// cleaned up, or its begun publish finished, by the next run of its source.
/// </summary>
public sealed class RunStagingTests
{
    private static readonly RowTable Deployments = new("deployments",
        ["deployment_id", "service", "environment", "status", "kind", "related_deployment_id", "repository", "sha", "started_at", "finished_at", "url", "source"]);

    [Fact]
    public async Task Rows_written_during_a_run_are_invisible_until_it_succeeds_and_the_cursor_moves_only_then()
    {
        await using var host = await IngestTestHost.CreateAsync();
        var source = new WritingSource("drop", ["d1", "d2"]);
        var run = host.Get<IngestRunner>().RunAsync(source);
        await source.Written.Task.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0UL, await CountAsync(host, "deployments"));
        Assert.Null(await host.Get<IngestCursors>().GetCursorAsync("drop", "all"));
        Assert.Single(await StagingTablesAsync(host));

        source.Release.SetResult();
        Assert.True((await run).Succeeded);
        Assert.Equal(2UL, await CountAsync(host, "deployments"));
        Assert.Equal("d2", (await host.Get<IngestCursors>().GetCursorAsync("drop", "all"))?.Value);
        Assert.Empty(await StagingTablesAsync(host));
    }

    [Fact]
    public async Task A_failed_run_shows_none_of_its_rows_and_leaves_no_staging_table()
    {
        await using var host = await IngestTestHost.CreateAsync();
        var source = new WritingSource("drop", ["d1"], fail: true);
        source.Release.SetResult();

        var outcome = await host.Get<IngestRunner>().RunAsync(source);

        Assert.False(outcome.Succeeded);
        Assert.Equal(0UL, await CountAsync(host, "deployments"));
        Assert.Empty(await StagingTablesAsync(host));
    }

    [Fact]
    public async Task The_next_run_drops_what_a_dead_run_staged_and_finishes_a_publish_a_dead_run_had_begun()
    {
        await using var host = await IngestTestHost.CreateAsync();
        var log = host.Get<IngestRunLog>();
        await log.EnsureSourceAsync("drop", "test");
        // Two runs whose process died: one while reading (d-lost staged), one while publishing (d-kept staged, recorded as publishing).
        var reading = await log.ClaimRunAsync("drop", IngestRunner.Lease, ExitedProcess());
        await new RunStaging(host.Store, reading.RunId, (_, _) => Task.CompletedTask).InsertAsync("deployments", Deployments.Columns, [Row("d-lost")], CancellationToken.None);
        var claimOfPublisher = await ClaimAfterAsync(log, reading.RunId);
        var publishing = new RunStaging(host.Store, claimOfPublisher, (tables, token) => log.RecordPublishingAsync(claimOfPublisher, tables, token));
        await publishing.InsertAsync("deployments", Deployments.Columns, [Row("d-kept")], CancellationToken.None);
        await log.RecordPublishingAsync(claimOfPublisher, publishing.StagedTables);
        Assert.Equal(2, (await StagingTablesAsync(host)).Count);

        var source = new WritingSource("drop", ["d-new"]);
        source.Release.SetResult();
        Assert.True((await host.Get<IngestRunner>().RunAsync(source)).Succeeded);

        Assert.Equal(["d-kept", "d-new"], await DeploymentIdsAsync(host));
        Assert.Empty(await StagingTablesAsync(host));
    }

    /// <summary>Claims the source for a second dead process once the first dead one's run has been taken over.</summary>
    private static async Task<int> ClaimAfterAsync(IngestRunLog log, int previous)
    {
        var claim = await log.ClaimRunAsync("drop", IngestRunner.Lease, ExitedProcess());
        Assert.True(claim.Claimed && claim.RunId != previous);
        return claim.RunId;
    }

    private static RunHolder ExitedProcess()
    {
        using var process = System.Diagnostics.Process.Start("sleep", "0.2") ?? throw new InvalidOperationException("sleep did not start.");
        var startedAt = new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero);
        process.WaitForExit();
        return new RunHolder(Environment.MachineName, process.Id, startedAt);
    }

    private static object?[] Row(string id) =>
        [id, "api", "production", "success", "normal", "", "acme/api", id, new DateTimeOffset(2025, 1, 6, 10, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 1, 6, 10, 5, 0, TimeSpan.Zero), "", "test"];

    private static async Task<ulong> CountAsync(IngestTestHost host, string table) =>
        (await host.EngineStore.QueryAsync<CountRow>($"SELECT count() AS rows FROM {table} FINAL")).Single().Rows;

    private static async Task<List<string>> DeploymentIdsAsync(IngestTestHost host) =>
        (await host.EngineStore.QueryAsync<NameRow>("SELECT deployment_id AS name FROM deployments FINAL ORDER BY name")).Select(row => row.Name).ToList();

    private static async Task<List<string>> StagingTablesAsync(IngestTestHost host) =>
        (await host.EngineStore.QueryAsync<NameRow>("SELECT name FROM system.tables WHERE database = currentDatabase() AND name LIKE '%\\_\\_run\\_%'")).Select(row => row.Name).ToList();

    private sealed record CountRow(ulong Rows);

    private sealed record NameRow(string Name);

    /// <summary>Writes its deployments through the run's row writer, then waits for <see cref="Release"/>; advances cursor "all".</summary>
    private sealed class WritingSource(string name, string[] ids, bool fail = false) : IIngestSource
    {
        public TaskCompletionSource Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Name => name;

        public string Kind => "test";

        public async Task<IngestResult> RunAsync(IngestContext context, CancellationToken cancellationToken)
        {
            var rows = new RowWriter(Store(context), context.Staging);
            var written = await rows.WriteAsync(Deployments, ids.Select(Row).ToList(), cancellationToken);
            context.AdvanceCursor("all", ids[^1]);
            Written.SetResult();
            await Release.Task.WaitAsync(cancellationToken);
            return fail ? throw new InvalidOperationException("The source broke.") : IngestResult.Rows(new Dictionary<string, long> { ["deployments"] = written });
        }

        // Staging writes go through the staging; a RowWriter needs a store only for writes without one.
        private static IClickHouseStore Store(IngestContext context) =>
            context.Staging is null ? throw new InvalidOperationException("An exclusive run with the app's store stages its rows.") : NoDirectWrites.Instance;
    }

    private sealed class NoDirectWrites : IClickHouseStore
    {
        public static readonly NoDirectWrites Instance = new();

        public string Database => "";

        public string Transport => "none";

        public Task ExecuteAsync(string sql, QueryParameters? parameters = null, CancellationToken cancellationToken = default) => throw new InvalidOperationException(sql);

        public Task<IReadOnlyList<TRow>> QueryAsync<TRow>(string sql, QueryParameters? parameters = null, CancellationToken cancellationToken = default) => throw new InvalidOperationException(sql);

        public Task<long> InsertAsync(string table, IReadOnlyList<string> columns, IEnumerable<object?[]> rows, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException($"A direct write to {table}.");

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
