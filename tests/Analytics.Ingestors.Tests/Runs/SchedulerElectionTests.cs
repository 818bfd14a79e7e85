using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Analytics.Ingestors.Tests.Runs;

/// <summary>
/// Several app instances on one store: three scheduler hosts in this process, each as the web host registers it, over
/// one real embedded store. (chDB lets one process open a store, so several processes on one store would need a
/// ClickHouse server, which these machines do not run; the lease lives in the store either way.)
/// </summary>
public sealed class SchedulerElectionTests
{
    private static readonly TimeSpan Hold = TimeSpan.FromSeconds(4);

    private static IEnumerable<string>? Logs;

    [Fact]
    public async Task One_instance_runs_the_scheduler_another_takes_over_when_it_stops_or_when_a_dead_leaders_lease_runs_out()
    {
        var folder = Directory.CreateTempSubdirectory("analytics-election-").FullName;
        // A source due every second: each instance's scheduler would fire it were it running.
        await using var shared = await IngestTestHost.CreateAsync(new Dictionary<string, string?>
        {
            ["Analytics:Sources:drop:Kind"] = "csv",
            ["Analytics:Sources:drop:Path"] = folder,
            ["Analytics:Sources:drop:Cron"] = "* * * * * ?",
        });

        // A leader on another machine that died: its lease is in the store, unrenewed.
        Logs = shared.Logs;
        var deadLeader = new StoreLock(shared.Store, "scheduler", Hold);
        Assert.True(await deadLeader.TryAcquireAsync(CancellationToken.None));
        var sinceDeadLease = Stopwatch.StartNew();

        var instances = Enumerable.Range(0, 3).Select(index => Instance.Build(shared, index)).ToList();
        try
        {
            // Readiness waits for this: before its first try an instance cannot say it follows.
            Assert.All(instances, instance => Assert.False(instance.Election.FirstElection.IsCompleted));
            foreach (var instance in instances)
            {
                await instance.Host.StartAsync();
            }
            // Every instance tries (a loaded machine may take a while: the bound only keeps a hang from lasting).
            await Task.WhenAll(instances.Select(instance => instance.Election.FirstElection)).WaitAsync(TimeSpan.FromSeconds(60));

            // The first to lead does so only once the dead leader's hold ran out, however slow the machine.
            var leader = await OneLeaderAsync(instances);
            Assert.True(sinceDeadLease.Elapsed >= Hold, $"an instance led {sinceDeadLease.Elapsed.TotalSeconds:0.0} s after the dead leader's {Hold.TotalSeconds} s lease was taken");
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.Same(leader, Assert.Single(instances, instance => instance.Election.IsLeader));
            Assert.True(leader.Firings >= 1, $"the leader's scheduler fired {leader.Firings} times in 3 s");
            Assert.All(instances.Where(instance => instance != leader), follower => Assert.Equal(0, follower.Firings));

            // The leader stops (it releases the lease): one of the others takes over, at its next try.
            await leader.Host.StopAsync();
            var remaining = instances.Where(instance => instance != leader).ToList();
            var next = await OneLeaderAsync(remaining);
            var firedBefore = next.Firings;
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.True(next.Firings - firedBefore >= 1, $"the new leader's scheduler fired {next.Firings - firedBefore} times in 3 s");
            Assert.All(remaining.Where(instance => instance != next), follower => Assert.Equal(0, follower.Firings));
        }
        finally
        {
            foreach (var instance in instances)
            {
                await instance.Host.StopAsync();
                instance.Host.Dispose();
            }
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Waits until exactly one of <paramref name="instances"/> leads (at most 15 lease lengths: a loaded machine is slow).</summary>
    private static async Task<Instance> OneLeaderAsync(IReadOnlyList<Instance> instances)
    {
        var deadline = DateTime.UtcNow + Hold * 15;
        while (DateTime.UtcNow < deadline)
        {
            var leaders = instances.Where(instance => instance.Election.IsLeader).ToList();
            Assert.True(leaders.Count <= 1, $"{leaders.Count} instances lead at once");
            if (leaders.Count == 1)
            {
                return leaders[0];
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"No instance took the lease within {Hold * 15}.\n{string.Join('\n', Logs?.Where(line => line.Contains("election", StringComparison.OrdinalIgnoreCase)) ?? [])}");
    }

    /// <summary>One app instance: its own host and Quartz scheduler (named apart: Quartz keeps schedulers by name per process).</summary>
    private sealed class Instance : IJobListener
    {
        private int _firings;

        private Instance(IHost host) => Host = host;

        public IHost Host { get; }

        public SchedulerElection Election => Host.Services.GetRequiredService<SchedulerElection>();

        public int Firings => Volatile.Read(ref _firings);

        public string Name => "firings";

        public static Instance Build(IngestTestHost shared, int index)
        {
            var host = shared.BuildSchedulerHost((services, _) =>
            {
                services.Configure<QuartzSchedulerOptions>(options => options.InstanceName = $"instance-{index}");
                services.AddSingleton(provider => new SchedulerElection(
                    provider.GetRequiredService<IClickHouseStore>(), provider.GetRequiredService<ISchedulerFactory>(),
                    provider.GetRequiredService<ILogger<SchedulerElection>>()) { Hold = Hold });
            });
            var instance = new Instance(host);
            var scheduler = host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler().GetAwaiter().GetResult();
            scheduler.ListenerManager.AddJobListener(instance);
            return instance;
        }

        public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _firings);
            return ValueTask.CompletedTask;
        }
    }
}
