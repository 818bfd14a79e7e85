using Quartz;

namespace Analytics.Ingestors.Tests.Runs;

/// <summary>
/// One source never runs twice at once across processes: the runner's lease in the catalog, taken by the
/// scheduler's job and by the CLI alike (both go through <see cref="IngestRunner"/>). "Another process" here is a
/// second container over the same SQLite file, with its own connections.
/// </summary>
public sealed class IngestRunLeaseTests
{
    [Fact]
    public async Task A_second_process_running_a_source_that_is_running_is_refused_naming_the_run_and_records_nothing()
    {
        await using var host = await IngestTestHost.CreateAsync();
        await using var otherProcess = AnotherProcess(host);
        var running = new GatedSource("drop");
        var first = host.Get<IngestRunner>().RunAsync(running);
        await running.Started.WaitAsync(TimeSpan.FromSeconds(30));
        var holder = Assert.Single(await host.Get<IngestRunLog>().RecentRunsAsync("drop", 10));

        var refused = await Assert.ThrowsAsync<SourceAlreadyRunningException>(() => otherProcess.GetRequiredService<IngestRunner>().RunAsync(new GatedSource("drop", released: true)));

        Assert.Equal((holder.Id, holder.StartedAt), (refused.RunId, refused.StartedAt));
        Assert.Equal($"Source drop is already running (run {holder.Id}, started at {holder.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC).", refused.Message);
        Assert.Single(await host.Get<IngestRunLog>().RecentRunsAsync("drop", 10));

        running.Release();
        Assert.True((await first).Succeeded);
        var afterwards = await otherProcess.GetRequiredService<IngestRunner>().RunAsync(new GatedSource("drop", released: true));
        Assert.True(afterwards.Succeeded);
    }

    [Fact]
    public async Task A_run_that_loses_its_lease_is_stopped_by_its_heartbeat_and_records_nothing_over_its_successor()
    {
        await using var host = await IngestTestHost.CreateAsync();
        var runner = new IngestRunner(host.Get<IngestRunLog>(), host.Get<IngestCursors>(), new CountingRefreshes(),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<IngestRunner>.Instance, host.Store) { RenewalInterval = TimeSpan.FromMilliseconds(200) };
        var running = new GatedSource("drop");
        var run = runner.RunAsync(running);
        await running.Started.WaitAsync(TimeSpan.FromSeconds(30));
        var holder = Assert.Single(await host.Get<IngestRunLog>().RecentRunsAsync("drop", 10));

        // Another process closed it (took the source over, believing its process gone).
        await host.Get<IngestRunLog>().RecordRunFinishedAsync(holder.Id, IngestRunStatus.Failed, new Dictionary<string, long>(), "Abandoned: taken over.");
        var outcome = await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(IngestRunStatus.Failed, outcome.Status);
        Assert.StartsWith("Stopped: the run lost its lease (it was closed meanwhile", outcome.Error);
        Assert.Equal("Abandoned: taken over.", Assert.Single(await host.Get<IngestRunLog>().RecentRunsAsync("drop", 10)).Error);
    }

    [Fact]
    public async Task Runs_of_a_source_that_is_not_exclusive_overlap()
    {
        await using var host = await IngestTestHost.CreateAsync();
        var first = new GatedSource("ci-push", exclusive: false);
        var firstRun = host.Get<IngestRunner>().RunAsync(first);
        await first.Started.WaitAsync(TimeSpan.FromSeconds(30));

        var second = await host.Get<IngestRunner>().RunAsync(new GatedSource("ci-push", exclusive: false, released: true));

        Assert.True(second.Succeeded);
        first.Release();
        Assert.True((await firstRun).Succeeded);
    }

    [Fact]
    public async Task A_batch_run_leaves_the_derived_tables_refreshed_and_a_pushed_event_leaves_them_to_the_store()
    {
        await using var host = await IngestTestHost.CreateAsync();
        var refreshes = new CountingRefreshes();
        var runner = new IngestRunner(host.Get<IngestRunLog>(), host.Get<IngestCursors>(), refreshes, Microsoft.Extensions.Logging.Abstractions.NullLogger<IngestRunner>.Instance);

        Assert.True((await runner.RunAsync(new GatedSource("drop", released: true))).Succeeded);
        Assert.Equal(1, refreshes.Count);
        // A push is a run per request: its caller must not wait for a rebuild.
        Assert.True((await runner.RunAsync(new GatedSource("ci-push", exclusive: false, released: true))).Succeeded);
        Assert.Equal(1, refreshes.Count);
    }

    private sealed class CountingRefreshes : Analytics.Storage.ClickHouse.IDerivedTables
    {
        public int Count { get; private set; }

        public Task RefreshStaleAsync(CancellationToken cancellationToken = default)
        {
            Count++;
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task A_scheduled_firing_while_another_process_holds_the_source_is_skipped_with_a_warning()
    {
        var folder = Directory.CreateTempSubdirectory("analytics-drop-").FullName;
        await using var host = await IngestTestHost.CreateAsync(new Dictionary<string, string?>
        {
            ["Analytics:Sources:drop:Kind"] = "csv",
            ["Analytics:Sources:drop:Path"] = folder,
        });
        await using var otherProcess = AnotherProcess(host);
        var catalog = otherProcess.GetRequiredService<IngestRunLog>();
        await catalog.EnsureSourceAsync("drop", "csv");
        var held = await catalog.ClaimRunAsync("drop", IngestRunner.Lease);
        using var app = host.BuildSchedulerHost();
        await app.StartAsync();
        var scheduler = await app.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();

        await scheduler.TriggerJob(IngestSourceJob.KeyFor("drop"));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!host.Logs.Any(line => line.Contains("This firing is skipped.", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        await app.StopAsync();

        Assert.Contains(host.Logs, line => line.StartsWith("Warning", StringComparison.Ordinal)
            && line.Contains($"Source drop is already running (run {held.RunId}, started at", StringComparison.Ordinal));
        Assert.Equal(held.RunId, Assert.Single(await catalog.RecentRunsAsync("drop", 10)).Id);
        Directory.Delete(folder, recursive: true);
    }

    private static ServiceProvider AnotherProcess(IngestTestHost host)
    {
        var services = new ServiceCollection().AddSingleton(host.Configuration);
        host.AddServicesTo(services, host.Configuration);
        return services.BuildServiceProvider();
    }

    /// <summary>A source whose run waits until released (or not at all when created released).</summary>
    private sealed class GatedSource(string name, bool exclusive = true, bool released = false) : IIngestSource
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = Released(released);

        public string Name => name;

        public string Kind => "test";

        public bool Exclusive => exclusive;

        public Task Started => _started.Task;

        public void Release() => _released.TrySetResult();

        public async Task<IngestResult> RunAsync(IngestContext context, CancellationToken cancellationToken)
        {
            _started.TrySetResult();
            await _released.Task.WaitAsync(cancellationToken);
            return IngestResult.Rows(new Dictionary<string, long>());
        }

        private static TaskCompletionSource Released(bool released)
        {
            var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (released)
            {
                source.TrySetResult();
            }
            return source;
        }
    }
}
