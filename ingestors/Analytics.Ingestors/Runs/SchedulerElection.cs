using Analytics.Storage.ClickHouse;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Analytics.Ingestors.Runs;

/// <summary>
/// With several app instances on one store, one runs the scheduler (the leader) and the others wait (followers):
/// the leader holds a lease in the shared store (<see cref="StoreLock"/> <c>scheduler</c>), renews it every
/// <see cref="Interval"/>, and puts its scheduler in standby the moment a renewal fails. A follower tries to take the
/// lease at the same pace and starts its scheduler when it gets it: when the leader stopped (it releases the lease),
/// died on this machine (its process is gone), or died elsewhere (its lease ran out, after <see cref="Hold"/>).
/// </summary>
/// <remarks>
/// So a source's cron fires once for the whole deployment, not once per instance. Runs themselves stay exclusive per
/// source through the catalog's run lease, and the derived tables through their refresh lock, whoever starts them.
/// </remarks>
public sealed class SchedulerElection(IClickHouseStore store, ISchedulerFactory schedulers, ILogger<SchedulerElection> logger) : BackgroundService
{
    public static readonly TimeSpan DefaultHold = TimeSpan.FromMinutes(1);

    private StoreLock? _lease;

    private IScheduler? _scheduler;

    /// <summary>How long a lease lasts unrenewed: how long a dead leader on another machine keeps the scheduler.</summary>
    public TimeSpan Hold { get; init; } = DefaultHold;

    /// <summary>How often the leader renews and a follower tries to take over (a quarter of <see cref="Hold"/>).</summary>
    public TimeSpan Interval => Hold / 4;

    /// <summary>True while this instance runs the scheduler.</summary>
    public bool IsLeader { get; private set; }

    private readonly TaskCompletionSource _firstElection = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Done once this instance has tried for the lease: before that, not leading says nothing about who leads.</summary>
    public Task FirstElection => _firstElection.Task;

    private StoreLock Lease => _lease ??= new StoreLock(store, "scheduler", Hold);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var scheduler = _scheduler = await schedulers.GetScheduler(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            await ElectAsync(scheduler, stoppingToken);
            _firstElection.TrySetResult();
            try
            {
                await Task.Delay(Interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task ElectAsync(IScheduler scheduler, CancellationToken cancellationToken)
    {
        bool holds;
        try
        {
            holds = IsLeader ? await Lease.RenewAsync(cancellationToken) : await Lease.TryAcquireAsync(cancellationToken);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // Unproven is not held: a leader that cannot renew stops scheduling before its lease can pass to another.
            logger.LogWarning("Scheduler election: the store did not answer ({Error}).", error.GetType().Name);
            holds = false;
        }
        if (holds && !IsLeader)
        {
            try
            {
                await scheduler.Start(cancellationToken);
            }
            catch (SchedulerException error)
            {
                logger.LogError("Scheduler election: the lease was taken but the scheduler did not start ({Error}); releasing it.", error.Message);
                await Lease.ReleaseAsync(cancellationToken);
                return;
            }
            IsLeader = true;
            logger.LogInformation("Scheduler election: this instance is the leader and runs the scheduler.");
        }
        else if (!holds && IsLeader)
        {
            await scheduler.Standby(cancellationToken);
            IsLeader = false;
            logger.LogWarning("Scheduler election: this instance lost the lease; another instance runs the scheduler.");
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // Once only: a host stopped twice must not reach a scheduler that is already shut down.
        if (Interlocked.Exchange(ref _scheduler, null) is { } scheduler)
        {
            await scheduler.Shutdown(waitForJobsToComplete: true, cancellationToken);
        }
        if (IsLeader)
        {
            IsLeader = false;
            try
            {
                await Lease.ReleaseAsync(cancellationToken); // a follower takes over at its next try
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                logger.LogWarning("Scheduler election: the lease could not be released ({Error}); it runs out on its own.", error.GetType().Name);
            }
        }
    }
}
