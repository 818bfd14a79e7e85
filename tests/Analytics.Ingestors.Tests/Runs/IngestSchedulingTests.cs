using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Hosting;
using Quartz;

namespace Analytics.Ingestors.Tests.Runs;

/// <summary>The scheduler as the web host registers it (<see cref="IngestScheduling.AddIngestScheduling"/>), running a real CSV folder source.</summary>
public sealed class IngestSchedulingTests
{
    private const string DeploymentsCsv = """
        deployment_id,service,environment,status,started_at,finished_at
        d-1,payments-api,production,success,2026-04-14T09:00:00Z,2026-04-14T09:10:00Z
        d-2,payments-api,production,success,2026-04-15T09:00:00Z,2026-04-15T09:10:00Z
        """;

    private static Dictionary<string, string?> FolderSource(string folder, string cron = "0 0 0 1 1 ? 2099") => new()
    {
        ["Analytics:Sources:drop:Kind"] = "csv",
        ["Analytics:Sources:drop:Path"] = folder,
        ["Analytics:Sources:drop:Cron"] = cron,
    };

    [Fact]
    public async Task Two_firings_of_one_source_never_overlap_the_second_waits_and_each_run_records_its_rows()
    {
        var gate = new GatedStore();
        var folder = Directory.CreateTempSubdirectory("analytics-drop-").FullName;
        await using var host = await IngestTestHost.CreateAsync(FolderSource(folder), store => gate.Wrap(store));
        File.WriteAllText(Path.Combine(folder, "deployments.csv"), DeploymentsCsv);
        using var app = host.BuildSchedulerHost();
        await app.StartAsync();
        var scheduler = await app.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var catalog = host.Get<IngestRunLog>();

        await scheduler.TriggerJob(IngestSourceJob.KeyFor("drop"));
        await scheduler.TriggerJob(IngestSourceJob.KeyFor("drop"));
        await gate.FirstInsertStarted.WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(1));

        // The first run holds the insert; the second firing has not started a run of its own.
        var whileBlocked = await catalog.RecentRunsAsync("drop", 10);
        Assert.Equal(IngestRunStatus.Running, Assert.Single(whileBlocked).Status);

        gate.Open();
        var runs = await IngestTestHost.WaitForFinishedRunsAsync(catalog, "drop", 2);
        await app.StopAsync();

        var (first, second) = (runs[1], runs[0]);
        Assert.Equal(1, gate.MostConcurrentInserts);
        Assert.True(second.StartedAt >= first.FinishedAt, $"second run started {second.StartedAt:O}, before the first finished {first.FinishedAt:O}");
        Assert.Equal((IngestRunStatus.Succeeded, 2L), (first.Status, first.ReadRowsPerTable()["deployments"]));
        // Incremental: the file's cursor was saved by the first run, so the second had nothing new to read.
        Assert.Equal(IngestRunStatus.Succeeded, second.Status);
        Assert.Empty(second.ReadRowsPerTable());
        Assert.Equal(2, await host.CountAsync("deployments FINAL"));
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task A_run_whose_store_is_unavailable_fails_visibly_saves_no_cursor_and_the_next_run_catches_up()
    {
        var folder = Directory.CreateTempSubdirectory("analytics-drop-").FullName;
        File.WriteAllText(Path.Combine(folder, "deployments.csv"), DeploymentsCsv);
        var unavailable = new StoreOutage();
        await using var host = await IngestTestHost.CreateAsync(FolderSource(folder), store => unavailable.Wrap(store));
        var runner = host.Get<IngestRunner>();
        var source = host.Get<IngestSources>().Create("drop");

        unavailable.IsDown = true;
        var failed = await runner.RunAsync(source);

        Assert.Equal(IngestRunStatus.Failed, failed.Status);
        Assert.Contains("Connection refused", failed.Error);
        var recorded = Assert.Single(await host.Get<IngestRunLog>().RecentRunsAsync("drop", 10));
        Assert.Equal((IngestRunStatus.Failed, failed.Error), (recorded.Status, recorded.Error));
        Assert.NotNull(recorded.FinishedAt);
        Assert.Null(await host.Get<IngestCursors>().GetCursorAsync("drop", "file:deployments.csv"));
        Assert.Contains(host.Logs, line => line.StartsWith("Error", StringComparison.Ordinal) && line.Contains($"Ingest run {failed.RunId} of drop failed", StringComparison.Ordinal));

        unavailable.IsDown = false;
        var caughtUp = await runner.RunAsync(source);

        Assert.Equal(IngestRunStatus.Succeeded, caughtUp.Status);
        Assert.Equal(2, caughtUp.RowsPerTable["deployments"]);
        Assert.Equal(2, await host.CountAsync("deployments FINAL"));
        Assert.NotNull(await host.Get<IngestCursors>().GetCursorAsync("drop", "file:deployments.csv"));
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void A_source_with_a_bad_setting_is_refused_naming_the_setting()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Analytics:Sources:nightly:Kind"] = "csv",
            ["Analytics:Sources:nightly:Cron"] = "every night",
            ["Analytics:Sources:nightly:Path"] = "/data/csv",
        }).Build();

        var error = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddIngestScheduling(configuration));

        Assert.StartsWith("Analytics:Sources:nightly:Cron 'every night' is not a Quartz cron expression", error.Message);
    }

    [Fact]
    public async Task The_host_does_not_start_with_a_source_of_unknown_kind_or_without_a_folder()
    {
        await using var host = await IngestTestHost.CreateAsync(new Dictionary<string, string?>
        {
            ["Analytics:Sources:jira:Kind"] = "jira",
            ["Analytics:Sources:drop:Kind"] = "csv",
        });
        using var app = host.BuildSchedulerHost();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("Analytics:Sources:drop:Path must name the folder of CSV files to import.", error.Message);
        Assert.Contains("Analytics:Sources:jira:Kind is 'jira'; it must be one of: csv", error.Message);
    }

    /// <summary>Holds every insert into deployments until opened, and counts how many were in progress at once.</summary>
    private sealed class GatedStore
    {
        private readonly TaskCompletionSource _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _firstInsertStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _inserting;

        public Task FirstInsertStarted => _firstInsertStarted.Task;

        public int MostConcurrentInserts { get; private set; }

        public void Open() => _opened.TrySetResult();

        public IClickHouseStore Wrap(IClickHouseStore inner) => new DelegatingStore(inner, insert: async (table, insert, cancellationToken) =>
        {
            if (table != "deployments")
            {
                return await insert();   // the catalog mirror, written while the test host starts
            }
            var now = Interlocked.Increment(ref _inserting);
            MostConcurrentInserts = Math.Max(MostConcurrentInserts, now);
            _firstInsertStarted.TrySetResult();
            try
            {
                await _opened.Task.WaitAsync(cancellationToken);
                return await insert();
            }
            finally
            {
                Interlocked.Decrement(ref _inserting);
            }
        });
    }
}
