using System.Collections.Concurrent;
using System.Diagnostics;

namespace Analytics.Storage.ClickHouse;

/// <summary>
/// A lock shared by every process that uses one ClickHouse database (on one machine or several): the table
/// <c>lock__&lt;name&gt;</c> exists while someone holds it, with one row naming the holder and when its hold runs out.
/// </summary>
/// <remarks>
/// In ClickHouse, not in the SQLite catalog: app instances on several machines share a ClickHouse server but not
/// a catalog file. <c>CREATE TABLE</c> without <c>IF NOT EXISTS</c> is the atomic step: of two processes creating
/// the table at once, the engine lets exactly one succeed. A holder that died leaves the table behind: the next
/// process drops it and tries again at once when the holder ran on this machine and its process is gone, otherwise
/// once its hold has run out (or, had it died before writing its row, once a waiter has seen it rowless for a minute).
/// <para>
/// A renewal replaces the holder's row rather than adding one (a leader renewing every 15 s for weeks would otherwise
/// pile up thousands of rows a day): the table is a <c>ReplacingMergeTree</c> keyed on the holder with the expiry as
/// version, and each renewal merges it at once (<c>OPTIMIZE … FINAL</c>), so it keeps one row per holder whose newest
/// expiry counts. Keyed on the holder rather than on nothing, a stray row of another holder (a renewal racing a
/// take-over) is never merged away: every row must still name the same holder for anyone to hold the lock.
/// </para>
/// <para>
/// Within one process, the lock's objects take turns (one gate per database and lock): the embedded engine's
/// connections share one engine, and there two simultaneous <c>CREATE TABLE</c>s were seen both to succeed (a CI run
/// of <c>StoreLockTests</c>), so the engine's atomicity is relied on only between processes.
/// </para>
/// </remarks>
public sealed class StoreLock(IClickHouseStore store, string name, TimeSpan hold)
{
    private const int TableAlreadyExists = 57;

    private const int UnknownTable = 60;

    private static readonly TimeSpan RowlessGrace = TimeSpan.FromMinutes(1);

    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    private readonly string _table = ClickHouseText.QuoteIdentifier($"lock__{name}");

    private readonly SemaphoreSlim _gate = Gates.GetOrAdd($"{store.Database}\n{name}", _ => new SemaphoreSlim(1, 1));

    private long? _rowlessSince;

    /// <summary>This holder's id (unique per lock object): what the row names.</summary>
    public string Holder { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    /// <summary>Takes the lock if nobody holds it (or its holder's hold ran out); true when this object holds it now.</summary>
    public async Task<bool> TryAcquireAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await TryAcquireCoreAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<bool> TryAcquireCoreAsync(CancellationToken cancellationToken)
    {
        if (await TryCreateAsync(cancellationToken))
        {
            return true;
        }
        if (!await IsAbandonedAsync(cancellationToken))
        {
            return false;
        }
        await store.ExecuteAsync($"DROP TABLE IF EXISTS {_table} SYNC", cancellationToken: cancellationToken);
        return await TryCreateAsync(cancellationToken);
    }

    /// <summary>Waits until the lock is taken, polling; gives up (false) after <paramref name="timeout"/>.</summary>
    public async Task<bool> AcquireAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (!await TryAcquireAsync(cancellationToken))
        {
            if (Stopwatch.GetElapsedTime(started) >= timeout)
            {
                return false;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
        return true;
    }

    /// <summary>Frees the lock if this object holds it (a lock taken over after its hold ran out is left to its new holder).</summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await ReleaseCoreAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ReleaseCoreAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<HolderRow> holders;
        try
        {
            holders = await store.QueryAsync<HolderRow>($"SELECT holder, expires_at FROM {_table}", cancellationToken: cancellationToken);
        }
        catch (ClickHouseException error) when (error.Code == UnknownTable)
        {
            return; // taken over and released by another process after this one's hold ran out: nothing left to free
        }
        if (HeldBy(holders, Holder))
        {
            await store.ExecuteAsync($"DROP TABLE IF EXISTS {_table} SYNC", cancellationToken: cancellationToken);
        }
    }

    /// <summary>
    /// Extends this object's hold by another <c>hold</c> from now (its row replaced); false, changing nothing, when this
    /// object no longer holds the lock (released, or taken over after its hold ran out).
    /// </summary>
    public async Task<bool> RenewAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await RenewCoreAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<bool> RenewCoreAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<HolderRow> holders;
        try
        {
            holders = await store.QueryAsync<HolderRow>($"SELECT holder, expires_at FROM {_table}", cancellationToken: cancellationToken);
        }
        catch (ClickHouseException error) when (error.Code == UnknownTable)
        {
            return false;
        }
        if (!HeldBy(holders, Holder))
        {
            return false;
        }
        await InsertHoldAsync(cancellationToken);
        try
        {
            await store.ExecuteAsync($"OPTIMIZE TABLE {_table} FINAL", cancellationToken: cancellationToken);
        }
        catch (ClickHouseException)
        {
            // The hold is extended; its older row merges away at the next renewal or in a background merge.
        }
        return true;
    }

    private async Task<bool> TryCreateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await store.ExecuteAsync(
                $"CREATE TABLE {_table} (holder String, expires_at DateTime64(3, 'UTC')) ENGINE = ReplacingMergeTree(expires_at) ORDER BY holder",
                cancellationToken: cancellationToken);
        }
        catch (ClickHouseException error) when (error.Code == TableAlreadyExists)
        {
            return false;
        }
        await InsertHoldAsync(cancellationToken);
        return true;
    }

    private Task InsertHoldAsync(CancellationToken cancellationToken) =>
        store.ExecuteAsync(
            $"INSERT INTO {_table} (holder, expires_at) SELECT {{holder:String}}, now64(3, 'UTC') + toIntervalMillisecond({{hold:UInt64}})",
            QueryParameters.From(("holder", Holder), ("hold", (ulong)hold.TotalMilliseconds)), cancellationToken);

    /// <summary>True when every row names <paramref name="holder"/> (rows of one holder not merged yet count as one).</summary>
    private static bool HeldBy(IReadOnlyList<HolderRow> rows, string holder) =>
        rows.Count > 0 && rows.All(row => row.Holder == holder);

    private async Task<bool> IsAbandonedAsync(CancellationToken cancellationToken)
    {
        try
        {
            var state = await store.QueryAsync<StateRow>(
                $$"""
                SELECT
                    (SELECT count() FROM {{_table}} WHERE expires_at > now64(3, 'UTC')) AS live,
                    (SELECT count() FROM {{_table}}) AS rows
                """,
                cancellationToken: cancellationToken);
            var row = state.Single();
            if (row.Rows > 0)
            {
                _rowlessSince = null;
                if (row.Live == 0)
                {
                    return true;
                }
                // A live hold whose holder ran on this machine and is gone (killed mid-refresh) is taken over at once.
                var holders = await store.QueryAsync<HolderRow>($"SELECT holder, expires_at FROM {_table}", cancellationToken: cancellationToken);
                return HeldBy(holders, holders[0].Holder) && HolderIsGone(holders[0].Holder);
            }
            // A table without its row: its holder is between CREATE and INSERT, or died there. How long it has been
            // rowless is timed here, by this waiter: the engine's table times are not reliable for this (the
            // embedded engine may report none), and taking a live holder's lock lets two refreshes run at once.
            _rowlessSince ??= Stopwatch.GetTimestamp();
            return Stopwatch.GetElapsedTime(_rowlessSince.Value) >= RowlessGrace;
        }
        catch (ClickHouseException)
        {
            return false; // released (dropped) while we looked: the next attempt creates it
        }
    }

    /// <summary>True when <paramref name="holder"/> (machine:pid:id) ran on this machine and no process has that pid now.</summary>
    private static bool HolderIsGone(string holder)
    {
        var parts = holder.Split(':');
        if (parts.Length != 3 || !string.Equals(parts[0], Environment.MachineName, StringComparison.OrdinalIgnoreCase)
            || !int.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var processId))
        {
            return false;
        }
        try
        {
            using var process = Process.GetProcessById(processId);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true; // no process has that id
        }
    }

    private sealed record HolderRow(string Holder, DateTimeOffset ExpiresAt);

    private sealed record StateRow(ulong Live, ulong Rows);
}
