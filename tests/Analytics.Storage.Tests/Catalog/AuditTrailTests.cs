using Microsoft.Data.Sqlite;
using static Analytics.Storage.Tests.Catalog.CatalogTestDatabase;

namespace Analytics.Storage.Tests.Catalog;

/// <summary>The audit trail's hash chain over a real SQLite catalog: appends in order, from two processes at once, and a row altered or removed behind its back.</summary>
public sealed class AuditTrailTests : IAsyncLifetime
{
    private CatalogTestDatabase _catalog = null!;

    public async Task InitializeAsync() => _catalog = await CreateMigratedAsync();

    public async Task DisposeAsync() => await _catalog.DisposeAsync();

    private async Task RecordAsync(int count, string action = "catalog.team.save")
    {
        for (var i = 1; i <= count; i++)
        {
            await _catalog.Audit.RecordAsync(new AuditRecord(Tester, action, $"team t{i}", AuditRecord.Succeeded, Before: null, After: $$"""[{"Slug":"t{{i}}"}]"""));
        }
    }

    [Fact]
    public async Task Each_entry_carries_the_previous_entrys_hash_and_an_intact_chain_verifies()
    {
        await RecordAsync(3);

        var entries = (await _catalog.Audit.PageAsync(new AuditQuery(), 0, 10)).Entries.OrderBy(e => e.Id).ToList();
        Assert.Equal([1L, 2L, 3L], entries.Select(e => e.Id));
        Assert.Equal(AuditTrail.GenesisHash, entries[0].PreviousHash);
        Assert.Equal(entries[0].Hash, entries[1].PreviousHash);
        Assert.Equal(entries[1].Hash, entries[2].PreviousHash);
        Assert.Equal(new AuditVerification(3, null, null), await _catalog.Audit.VerifyAsync());
    }

    [Fact]
    public async Task A_row_altered_directly_in_sqlite_breaks_the_chain_at_that_row()
    {
        await RecordAsync(4);

        await ExecuteAsync("UPDATE AuditEntries SET Actor = 'someone-else' WHERE Id = 3");

        var result = await _catalog.Audit.VerifyAsync();
        Assert.Equal((3L, 2L), (result.FirstBrokenId, result.EntriesChecked));
        Assert.Contains("altered", result.Problem);
    }

    [Fact]
    public async Task A_row_removed_or_rehashed_is_found_at_the_entry_after_it()
    {
        await RecordAsync(4);

        // Whoever alters a row and recomputes its hash still breaks the link from the next entry.
        var entry = (await _catalog.Audit.PageAsync(new AuditQuery(), 0, 10)).Entries.Single(e => e.Id == 2);
        entry.Outcome = "refused: nothing happened";
        await ExecuteAsync($"UPDATE AuditEntries SET Outcome = '{entry.Outcome}', Hash = '{AuditTrail.HashOf(entry)}' WHERE Id = 2");
        var rehashed = await _catalog.Audit.VerifyAsync();
        Assert.Equal(3L, rehashed.FirstBrokenId);
        Assert.Contains("previous hash", rehashed.Problem);

        await ExecuteAsync("DELETE FROM AuditEntries WHERE Id IN (2, 3)");
        var removed = await _catalog.Audit.VerifyAsync();
        Assert.Equal((4L, "entry 2 is missing (the next entry is 4)"), (removed.FirstBrokenId, removed.Problem));
    }

    [Fact]
    public async Task Two_processes_appending_at_once_keep_one_unbroken_chain()
    {
        var other = _catalog.OfAnotherProcess<AuditTrail>();

        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() =>
            (i % 2 == 0 ? _catalog.Audit : other).RecordAsync(new AuditRecord(Tester, "source.run-now", $"source s{i}", AuditRecord.Succeeded)))));

        Assert.Equal(new AuditVerification(40, null, null), await _catalog.Audit.VerifyAsync());
    }

    [Fact]
    public async Task The_trail_is_filtered_by_actor_action_and_dates_and_paged_newest_first()
    {
        await RecordAsync(3);
        _catalog.Clock.Now = _catalog.Clock.Now.AddDays(2);
        await _catalog.Audit.RecordAsync(new AuditRecord(new AuditActor("key ak_0123456789", "198.51.100.7"), "request.denied", "POST /api/push/deployments", "401: push refused: key ak_0123456789 was revoked"));
        await RecordAsync(2, "key.create");

        var all = await _catalog.Audit.PageAsync(new AuditQuery(), skip: 2, take: 2);
        Assert.Equal(6, all.Total);
        Assert.Equal([4L, 3L], all.Entries.Select(e => e.Id));
        Assert.Equal([4L], (await _catalog.Audit.PageAsync(new AuditQuery(Actor: "ak_01"), 0, 10)).Entries.Select(e => e.Id));
        Assert.Equal([3L, 2L, 1L], (await _catalog.Audit.PageAsync(new AuditQuery(Action: "catalog."), 0, 10)).Entries.Select(e => e.Id));
        var later = _catalog.Clock.Now.AddDays(-1);
        Assert.Equal(3, (await _catalog.Audit.PageAsync(new AuditQuery(From: later), 0, 10)).Total);
        Assert.Equal(3, (await _catalog.Audit.PageAsync(new AuditQuery(To: later), 0, 10)).Total);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={_catalog.DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
