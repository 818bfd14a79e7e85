using Microsoft.EntityFrameworkCore;
using static Analytics.Storage.Tests.Catalog.CatalogTestDatabase;

namespace Analytics.Storage.Tests.Catalog;

/// <summary>The run lease that keeps one source from running twice at once across processes, on a real SQLite file.</summary>
public sealed class CatalogRunLeaseTests : IAsyncLifetime
{
    private const string Source = "acme-github";
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    private CatalogTestDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = await CreateMigratedAsync();
        await _database.Runs.EnsureSourceAsync(Source, "github");
        _database.Clock.Now = Utc(2026, 3, 2, 9, 0);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Two_processes_claiming_one_source_at_the_same_moment_get_one_run_and_the_other_is_told_which_it_is()
    {
        var stores = new[] { _database.Runs, _database.RunLogOfAnotherProcess() };
        for (var round = 0; round < 20; round++)
        {
            using var start = new Barrier(2);
            var claims = await Task.WhenAll(stores.Select(store => Task.Run(() =>
            {
                start.SignalAndWait();
                return store.ClaimRunAsync(Source, Lease);
            })));

            var won = Assert.Single(claims, c => c.Claimed);
            var refused = Assert.Single(claims, c => !c.Claimed);
            Assert.Equal((won.RunId, won.StartedAt), (refused.RunId, refused.StartedAt));
            var running = await _database.WithContextAsync(db => db.IngestRuns.CountAsync(r => r.Status == IngestRunStatus.Running));
            Assert.Equal(1, running);
            await _database.Runs.RecordRunFinishedAsync(won.RunId, IngestRunStatus.Succeeded, new Dictionary<string, long>(), null);
        }
        Assert.Equal(20, await _database.WithContextAsync(db => db.IngestRuns.CountAsync(r => r.Status == IngestRunStatus.Succeeded)));
    }

    [Fact]
    public async Task A_finished_run_frees_the_source_and_a_run_whose_lease_ran_out_is_closed_as_abandoned()
    {
        var first = await _database.Runs.ClaimRunAsync(Source, Lease);
        await _database.Runs.RecordRunFinishedAsync(first.RunId, IngestRunStatus.Succeeded, new Dictionary<string, long>(), null);
        var crashed = await _database.Runs.ClaimRunAsync(Source, Lease);
        Assert.True(first.Claimed && crashed.Claimed);

        _database.Clock.Now += Lease - TimeSpan.FromSeconds(1);
        Assert.False((await _database.RunLogOfAnotherProcess().ClaimRunAsync(Source, Lease)).Claimed);

        _database.Clock.Now += TimeSpan.FromSeconds(2);
        var takeover = await _database.RunLogOfAnotherProcess().ClaimRunAsync(Source, Lease);

        Assert.True(takeover.Claimed);
        var abandoned = await _database.WithContextAsync(db => db.IngestRuns.AsNoTracking().SingleAsync(r => r.Id == crashed.RunId));
        Assert.Equal((IngestRunStatus.Failed, _database.Clock.Now), (abandoned.Status, abandoned.FinishedAt));
        Assert.StartsWith("Abandoned: its lease ran out at 2026-03-02 09:05:00 UTC", abandoned.Error);
    }

    [Fact]
    public async Task A_renewed_lease_keeps_the_source_and_a_finished_run_cannot_be_renewed()
    {
        var claim = await _database.Runs.ClaimRunAsync(Source, Lease);
        _database.Clock.Now += TimeSpan.FromMinutes(4);
        Assert.True(await _database.Runs.RenewRunLeaseAsync(claim.RunId, Lease));

        _database.Clock.Now += TimeSpan.FromMinutes(4);   // 8 minutes after the claim, 4 after the renewal
        var other = await _database.RunLogOfAnotherProcess().ClaimRunAsync(Source, Lease);

        Assert.Equal((false, claim.RunId), (other.Claimed, other.RunId));
        await _database.Runs.RecordRunFinishedAsync(claim.RunId, IngestRunStatus.Failed, new Dictionary<string, long>(), "stopped");
        Assert.False(await _database.Runs.RenewRunLeaseAsync(claim.RunId, Lease));
    }

    [Fact]
    public async Task Runs_without_a_lease_overlap_freely_and_never_block_a_claim()
    {
        await _database.Runs.RecordRunStartedAsync(Source);
        await _database.Runs.RecordRunStartedAsync(Source);

        var claim = await _database.Runs.ClaimRunAsync(Source, Lease);

        Assert.True(claim.Claimed);
        Assert.Equal(3, await _database.WithContextAsync(db => db.IngestRuns.CountAsync(r => r.Status == IngestRunStatus.Running)));
    }

    [Fact]
    public async Task The_database_itself_refuses_a_second_leased_running_run_of_a_source()
    {
        var sourceId = await _database.WithContextAsync(db => db.Sources.Where(s => s.Name == Source).Select(s => s.Id).SingleAsync());
        var leased = () => new IngestRun { SourceId = sourceId, StartedAt = _database.Clock.Now, Status = IngestRunStatus.Running, LeaseExpiresAt = _database.Clock.Now + Lease };
        await _database.SaveAsync(leased());

        var error = await Assert.ThrowsAsync<DbUpdateException>(() => _database.SaveAsync(leased()));

        Assert.Contains("UNIQUE constraint failed", error.InnerException?.Message);
    }

    [Fact]
    public async Task A_run_whose_process_on_this_machine_is_gone_is_taken_over_at_once_but_one_on_another_machine_waits_for_its_lease()
    {
        var dead = ExitedProcess();
        var crashed = await _database.Runs.ClaimRunAsync(Source, Lease, dead);
        Assert.True(crashed.Claimed);

        var takeover = await _database.RunLogOfAnotherProcess().ClaimRunAsync(Source, Lease);

        Assert.True(takeover.Claimed);
        var abandoned = await _database.WithContextAsync(db => db.IngestRuns.AsNoTracking().SingleAsync(r => r.Id == crashed.RunId));
        Assert.Equal(IngestRunStatus.Failed, abandoned.Status);
        Assert.Equal($"Abandoned: its process ({dead.ProcessId} on {dead.Host}) is gone.", abandoned.Error);
        var holder = await _database.WithContextAsync(db => db.IngestRuns.AsNoTracking().SingleAsync(r => r.Id == takeover.RunId));
        Assert.Equal((Environment.MachineName, Environment.ProcessId), (holder.HolderHost, holder.HolderProcessId));

        // The same dead pid on another machine proves nothing here: that run keeps the source until its lease runs out.
        await _database.Runs.RecordRunFinishedAsync(takeover.RunId, IngestRunStatus.Succeeded, new Dictionary<string, long>(), null);
        var remote = await _database.Runs.ClaimRunAsync(Source, Lease, dead with { Host = "another-machine" });
        Assert.False((await _database.RunLogOfAnotherProcess().ClaimRunAsync(Source, Lease)).Claimed);
        _database.Clock.Now += Lease + TimeSpan.FromSeconds(1);
        Assert.True((await _database.RunLogOfAnotherProcess().ClaimRunAsync(Source, Lease)).Claimed);
        Assert.True(remote.Claimed);
    }

    [Fact]
    public async Task A_live_holder_keeps_the_source_and_a_reused_pid_started_at_another_time_does_not()
    {
        var live = await _database.Runs.ClaimRunAsync(Source, Lease, RunHolder.Current);
        Assert.False((await _database.RunLogOfAnotherProcess().ClaimRunAsync(Source, Lease)).Claimed);
        await _database.Runs.RecordRunFinishedAsync(live.RunId, IngestRunStatus.Succeeded, new Dictionary<string, long>(), null);

        // This process's id, recorded with a start time an hour earlier: another process that had the id before.
        var reused = RunHolder.Current with { ProcessStartedAt = RunHolder.Current.ProcessStartedAt!.Value.AddHours(-1) };
        await _database.Runs.ClaimRunAsync(Source, Lease, reused);
        Assert.True((await _database.RunLogOfAnotherProcess().ClaimRunAsync(Source, Lease)).Claimed);
    }

    /// <summary>A process of this machine that has exited: its id names no running process (until the id is reused).</summary>
    private static RunHolder ExitedProcess()
    {
        using var process = System.Diagnostics.Process.Start("sleep", "0.2") ?? throw new InvalidOperationException("sleep did not start.");
        var startedAt = new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero);
        process.WaitForExit();
        return new RunHolder(Environment.MachineName, process.Id, startedAt);
    }
}
