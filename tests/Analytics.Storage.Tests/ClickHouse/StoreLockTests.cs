using Analytics.Storage.ClickHouse.Embedded;

namespace Analytics.Storage.Tests.ClickHouse;

/// <summary>
/// The lease in the store (<see cref="StoreLock"/>) renewed for a long time, and taken by several holders, each on
/// a connection of its own to one database as separate processes would be.
/// </summary>
public sealed class StoreLockTests
{
    private const string Table = "lock__renewed";

    [Fact]
    public async Task Renewing_many_times_keeps_one_row_with_the_newest_expiry()
    {
        await using var store = await EmbeddedEngine.NewDatabaseAsync("lock_renew");
        var lease = new StoreLock(store, "renewed", TimeSpan.FromMinutes(1));
        Assert.True(await lease.TryAcquireAsync(CancellationToken.None));
        var taken = (await RowsAsync(store)).Single().ExpiresAt;

        // 200 renewals: 50 minutes of a leader renewing every 15 s.
        for (var renewal = 0; renewal < 200; renewal++)
        {
            Assert.True(await lease.RenewAsync(CancellationToken.None));
        }

        var row = Assert.Single(await RowsAsync(store));
        Assert.Equal(lease.Holder, row.Holder);
        Assert.True(row.ExpiresAt > taken, $"expiry {row.ExpiresAt:O} not after the first {taken:O}");
        var parts = await store.QueryAsync<CountRow>(
            $"SELECT count() AS count FROM system.parts WHERE database = currentDatabase() AND table = '{Table}' AND active");
        Assert.Equal(1UL, parts.Single().Count);
    }

    [Fact]
    public async Task One_holder_at_a_time_through_renewals_a_release_and_a_take_over_after_the_hold_ran_out()
    {
        await using var first = await EmbeddedEngine.NewDatabaseAsync("lock_election");
        await using var second = await ChDbStore.OpenAsync(EmbeddedEngine.DataPath, first.Database);
        await using var third = await ChDbStore.OpenAsync(EmbeddedEngine.DataPath, first.Database);
        var hold = TimeSpan.FromSeconds(2);
        var leases = new[] { new StoreLock(first, "renewed", hold), new StoreLock(second, "renewed", hold), new StoreLock(third, "renewed", hold) };

        // All at once: one takes it (in one process the gate orders them; across processes, the engine's CREATE does).
        var taken = await Task.WhenAll(leases.Select(lease => Task.Run(() => lease.TryAcquireAsync(CancellationToken.None))));
        var leader = leases[Assert.Single(Enumerable.Range(0, 3), index => taken[index])];
        var others = leases.Where(lease => lease != leader).ToList();

        // Renewed well within its hold, the leader keeps it past the hold's length, whoever else tries.
        for (var round = 0; round < 8; round++)
        {
            Assert.True(await leader.RenewAsync(CancellationToken.None));
            foreach (var other in others)
            {
                Assert.False(await other.TryAcquireAsync(CancellationToken.None));
                Assert.False(await other.RenewAsync(CancellationToken.None));
            }
            await Task.Delay(hold / 4);
        }
        Assert.Equal(leader.Holder, Assert.Single(await RowsAsync(first)).Holder);

        // Released: the next takes it; the old leader's renewal is refused and changes nothing.
        await leader.ReleaseAsync(CancellationToken.None);
        var next = others[0];
        Assert.True(await next.TryAcquireAsync(CancellationToken.None));
        Assert.False(await leader.RenewAsync(CancellationToken.None));
        Assert.Equal(next.Holder, Assert.Single(await RowsAsync(first)).Holder);

        // Not renewed, its hold runs out: the last takes over, and the one that stopped renewing cannot renew again.
        await Task.Delay(hold + TimeSpan.FromMilliseconds(300));
        Assert.True(await others[1].TryAcquireAsync(CancellationToken.None));
        Assert.False(await next.RenewAsync(CancellationToken.None));
        Assert.True(await others[1].RenewAsync(CancellationToken.None));
        Assert.Equal(others[1].Holder, Assert.Single(await RowsAsync(first)).Holder);
    }

    private static Task<IReadOnlyList<HolderRow>> RowsAsync(IClickHouseStore store) =>
        store.QueryAsync<HolderRow>($"SELECT holder, expires_at FROM {Table}");

    private sealed record HolderRow(string Holder, DateTimeOffset ExpiresAt);

    private sealed record CountRow(ulong Count);
}
