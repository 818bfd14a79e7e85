// Long: the derived tables' refresh protocol (staleness, fingerprints, the cross-process lock, failure status) reads best in one place.
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Analytics.Storage.ClickHouse;

/// <summary>
/// A table computed from other tables by the SELECT in <c>sql/clickhouse/derived/&lt;Name&gt;.sql</c>, whose
/// <c>-- Sources:</c> line names the tables it reads (derived ones included, so refreshes run in order).
/// </summary>
public sealed record DerivedTable(string Name, string Select, IReadOnlyList<string> Sources);

/// <summary>How current the derived tables are, for a note on the pages when the last refresh failed.</summary>
/// <param name="FiguresFrom">When the tables being served were last refreshed (null when unknown).</param>
/// <param name="FailedAt">When the last refresh failed; null when it succeeded.</param>
/// <param name="Failure">Why it failed, in one line.</param>
public sealed record DerivedTablesStatus(DateTimeOffset? FiguresFrom, DateTimeOffset? FailedAt, string? Failure)
{
    public bool Failed => FailedAt is not null;
}

/// <summary>Brings the derived tables up to date on request, e.g. at the end of an ingest run.</summary>
public interface IDerivedTables
{
    /// <summary>Refreshes every derived table whose sources changed; does nothing while migrations are pending.</summary>
    Task RefreshStaleAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// The store every service uses: it keeps the derived tables (sql/clickhouse/derived: production deployments,
/// failed attempts and incidents with their owners, failure evidence, commit shipments, attributed pull requests and reviews)
/// in step with what they are computed from. A write marks the derived tables that read the written table stale;
/// the next query refreshes the stale ones first, so a metric never reads data older than the last write. A table
/// is rebuilt beside the live one and swapped in with EXCHANGE TABLES, so a reader in another process never sees
/// it half-built.
/// </summary>
/// <remarks>
/// Computing these per query made every figure repeat the same ASOF and shipment joins (10 × a plain scan at
/// scale L, docs/benchmarks.md); refreshing after writes moves that cost to ingestion, once per batch.
/// Writes by another process (a CLI ingest into a shared server, or before this process started) are noticed by
/// comparing the sources' fingerprints with those recorded at the last refresh (table derived_refreshes): on the
/// first query, then at most every 30 seconds (<see cref="DefaultFingerprintCheckInterval"/>).
/// <para>
/// Several processes on one ClickHouse database: each rebuild uses its own staging table
/// (<c>&lt;table&gt;__next_&lt;random&gt;</c>, dropped afterwards whatever happens), and the refresh as a whole holds
/// a lock in ClickHouse (<see cref="StoreLock"/> <c>derived_refresh</c>), so the tables are rebuilt by one
/// process at a time; one that waited compares fingerprints again and rebuilds only what is still stale.
/// A refresh that fails (disk full, memory limit) leaves the last good tables in place: queries go on reading
/// them, <see cref="Status"/> says since when and why (the pages show it), and no refresh is tried again for
/// <see cref="RetryAfterFailure"/> unless asked for (<see cref="RefreshStaleAsync"/>).
/// </para>
/// </remarks>
public sealed class DerivedTablesStore : IClickHouseStore, IDerivedTables
{
    private const string StagingSuffix = "__next_";

    /// <summary>How long queries serve the last good tables, without trying again, after a refresh failed.</summary>
    public static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(30);

    /// <summary>How long one process may hold the refresh lock; a whole refresh takes seconds (7.4 s at scale L).</summary>
    public static readonly TimeSpan RefreshLockHold = TimeSpan.FromMinutes(10);

    /// <summary>How often, by default, the sources' fingerprints are compared again to notice another process's writes.</summary>
    public static readonly TimeSpan DefaultFingerprintCheckInterval = TimeSpan.FromSeconds(30);

    private readonly IClickHouseStore _inner;
    private readonly IReadOnlyList<DerivedTable> _tables;
    private readonly int _latestMigration;
    private readonly TimeSpan _fingerprintCheckInterval;
    private readonly TimeSpan? _refreshAfterWrites;
    private readonly CancellationTokenSource _disposing = new();
    private readonly Dictionary<string, Regex> _sourcePatterns;
    private readonly SemaphoreSlim _refreshLock = new(1, 1);
    private readonly object _versionsLock = new();
    // A version per written table; a derived table is stale while one of its sources has a newer version than
    // the one it was refreshed at. Unknown until the first query compares fingerprints with derived_refreshes.
    private readonly Dictionary<string, long> _writtenAt = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _refreshedAt = new(StringComparer.Ordinal);
    private long _version;
    private bool _migrated;
    private long? _fingerprintsCheckedAt;
    private Timer? _backgroundRefresh;
    private int _disposed;
    private DerivedTablesStatus _status = new(null, null, null);
    private long? _failedAt;

    /// <param name="refreshAfterWrites">
    /// When set, stale tables are also refreshed in the background this long after the last write, so the next
    /// page usually finds them current instead of waiting (queries still never read data older than a write).
    /// </param>
    public DerivedTablesStore(IClickHouseStore inner, SqlFiles sqlFiles, TimeSpan? fingerprintCheckInterval = null, TimeSpan? refreshAfterWrites = null)
    {
        _inner = inner;
        _refreshAfterWrites = refreshAfterWrites;
        _fingerprintCheckInterval = fingerprintCheckInterval ?? DefaultFingerprintCheckInterval;
        _tables = sqlFiles.DerivedTables();
        _latestMigration = sqlFiles.Migrations().Max(migration => migration.Version);
        _sourcePatterns = _tables.SelectMany(table => table.Sources).Distinct(StringComparer.Ordinal)
            .ToDictionary(source => source, source => new Regex($@"\b{Regex.Escape(source)}\b", RegexOptions.CultureInvariant), StringComparer.Ordinal);
    }

    public string Database => _inner.Database;

    public string Transport => _inner.Transport;

    /// <summary>The derived tables, each after the derived tables it reads.</summary>
    public IReadOnlyList<DerivedTable> Tables => _tables;

    /// <summary>Whether the last refresh succeeded, and since when the tables served are current.</summary>
    public DerivedTablesStatus Status => Volatile.Read(ref _status);

    public async Task ExecuteAsync(string sql, QueryParameters? parameters = null, CancellationToken cancellationToken = default)
    {
        try
        {
            await _inner.ExecuteAsync(sql, parameters, cancellationToken);
        }
        finally
        {
            // Even a failed statement may have changed data (a mutation, part of a DDL script).
            MarkWritten(_sourcePatterns.Where(pair => pair.Value.IsMatch(sql)).Select(pair => pair.Key));
        }
    }

    public async Task<long> InsertAsync(string table, IReadOnlyList<string> columns, IEnumerable<object?[]> rows, CancellationToken cancellationToken = default)
    {
        try
        {
            return await _inner.InsertAsync(table, columns, rows, cancellationToken);
        }
        finally
        {
            MarkWritten([table]);
        }
    }

    public async Task<IReadOnlyList<TRow>> QueryAsync<TRow>(string sql, QueryParameters? parameters = null, CancellationToken cancellationToken = default)
    {
        if (_failedAt is not { } failedAt || Stopwatch.GetElapsedTime(failedAt) >= RetryAfterFailure)
        {
            try
            {
                await RefreshStaleAsync(cancellationToken);
            }
            catch (Exception error) when (error is not OperationCanceledException && _migrated)
            {
                // Recorded by the refresh: serve the last good tables; the pages say so.
            }
        }
        return await _inner.QueryAsync<TRow>(sql, parameters, cancellationToken);
    }

    /// <summary>
    /// Brings every stale derived table up to date now (queries do this on their own; an ingest run calls it so
    /// the work is done before a dashboard in another process reads). Does nothing while migrations are pending.
    /// </summary>
    public async Task RefreshStaleAsync(CancellationToken cancellationToken = default)
    {
        if (!FingerprintCheckDue() && StaleTables().Count == 0)
        {
            return;
        }
        await _refreshLock.WaitAsync(cancellationToken);
        try
        {
            if (FingerprintCheckDue())
            {
                _migrated = _migrated || await IsMigratedAsync(cancellationToken);
                if (!_migrated)
                {
                    return;
                }
                await CompareFingerprintsAsync(cancellationToken);
                _fingerprintsCheckedAt = Stopwatch.GetTimestamp();
            }
            if (StaleTables().Count > 0)
            {
                await RefreshLockedAsync(cancellationToken);
            }
        }
        finally
        {
            _refreshLock.Release();
        }
    }

    /// <summary>Rebuilds the stale tables holding the cross-process refresh lock; records how it went in <see cref="Status"/>.</summary>
    private async Task RefreshLockedAsync(CancellationToken cancellationToken)
    {
        var crossProcess = new StoreLock(_inner, "derived_refresh", RefreshLockHold);
        try
        {
            if (!await crossProcess.AcquireAsync(RefreshLockHold, cancellationToken))
            {
                throw new TimeoutException($"another process held the refresh lock for over {RefreshLockHold.TotalMinutes:0} minutes");
            }
            try
            {
                // Another process may have refreshed while this one waited.
                await CompareFingerprintsAsync(cancellationToken);
                _fingerprintsCheckedAt = Stopwatch.GetTimestamp();
                // Taken before rebuilding: a write landing meanwhile leaves the recorded fingerprint behind, so
                // the next check rebuilds again rather than missing it.
                var sources = await SourceStatesAsync(cancellationToken);
                foreach (var table in StaleTables())
                {
                    await RefreshAsync(table, Fingerprint(table, sources), cancellationToken);
                }
            }
            finally
            {
                await crossProcess.ReleaseAsync(CancellationToken.None);
            }
            _failedAt = null;
            Volatile.Write(ref _status, new DerivedTablesStatus(DateTimeOffset.UtcNow, null, null));
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            _failedAt = Stopwatch.GetTimestamp();
            Volatile.Write(ref _status, new DerivedTablesStatus(await LastRefreshedAsync(), DateTimeOffset.UtcNow, OneLine(error)));
            throw;
        }
    }

    /// <summary>When the tables now served were refreshed (by any process), or null if that cannot be read either.</summary>
    private async Task<DateTimeOffset?> LastRefreshedAsync()
    {
        try
        {
            var rows = await _inner.QueryAsync<RefreshedRow>("SELECT max(refreshed_at) AS refreshed_at FROM derived_refreshes", cancellationToken: CancellationToken.None);
            return rows.Count == 1 && rows[0].RefreshedAt.Year > 1970 ? rows[0].RefreshedAt : null;
        }
        catch (Exception)
        {
            return null;
        }
    }

    private static string OneLine(Exception error)
    {
        var message = error is ClickHouseException engine ? engine.EngineMessage : error.Message;
        var line = message.Split('\n', 2)[0].Trim();
        return line.Length <= 200 ? line : line[..200] + "…";
    }

    public async ValueTask DisposeAsync()
    {
        // The container disposes it once per service it is registered as.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        lock (_versionsLock)
        {
            _disposing.Cancel();
            _backgroundRefresh?.Dispose();
        }
        // A background refresh may be running on the inner store: let it stop before the store closes.
        await _refreshLock.WaitAsync();
        _refreshLock.Dispose();
        _disposing.Dispose();
        await _inner.DisposeAsync();
    }

    private async Task RefreshAsync(DerivedTable table, ulong fingerprint, CancellationToken cancellationToken)
    {
        long version;
        lock (_versionsLock)
        {
            version = ++_version;
        }
        // Its own staging table: no other refresh, in this process or another, ever writes into it.
        var staging = table.Name + StagingSuffix + Guid.NewGuid().ToString("N")[..12];
        try
        {
            await _inner.ExecuteAsync($"CREATE TABLE {staging} AS {table.Name}", cancellationToken: cancellationToken);
            await _inner.ExecuteAsync($"INSERT INTO {staging} {table.Select}", cancellationToken: cancellationToken);
            await _inner.ExecuteAsync($"EXCHANGE TABLES {table.Name} AND {staging}", cancellationToken: cancellationToken);
        }
        finally
        {
            // The previous table after the exchange, or the unfinished one before it: never served again.
            await _inner.ExecuteAsync($"DROP TABLE IF EXISTS {staging} SYNC", cancellationToken: CancellationToken.None);
        }
        await _inner.ExecuteAsync(
            "INSERT INTO derived_refreshes (name, fingerprint, refreshed_at) VALUES ({name:String}, {fingerprint:UInt64}, now64(3))",
            QueryParameters.From(("name", table.Name), ("fingerprint", fingerprint)), cancellationToken);
        lock (_versionsLock)
        {
            _refreshedAt[table.Name] = version;
            // Tables derived from this one are now behind it.
            _writtenAt[table.Name] = version;
        }
    }

    private void MarkWritten(IEnumerable<string> tables)
    {
        lock (_versionsLock)
        {
            var sourceWritten = false;
            foreach (var table in tables)
            {
                _writtenAt[table] = ++_version;
                sourceWritten |= _sourcePatterns.ContainsKey(table);
            }
            if (sourceWritten && _refreshAfterWrites is { } delay && !_disposing.IsCancellationRequested)
            {
                // Restarted by every write, so a burst of writes (pushed events, an ingest's batches) costs one refresh.
                _backgroundRefresh ??= NewBackgroundTimer();
                _backgroundRefresh.Change(delay, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>
    /// A timer that does not carry the context of the write that made it: a refresh firing later belongs to no request,
    /// so its log lines must not go to the CLI caller (AsyncLocal) whose command happened to write first.
    /// </summary>
    private Timer NewBackgroundTimer()
    {
        using (ExecutionContext.SuppressFlow())
        {
            return new Timer(_ => _ = RefreshInBackgroundAsync());
        }
    }

    private async Task RefreshInBackgroundAsync()
    {
        try
        {
            await RefreshStaleAsync(_disposing.Token);
        }
        catch (Exception)
        {
            // Nobody waits for this one: the next query refreshes again and reports what goes wrong.
        }
    }

    private List<DerivedTable> StaleTables()
    {
        lock (_versionsLock)
        {
            // In dependency order, and a table whose derived source is stale is stale too.
            var stale = new List<DerivedTable>();
            foreach (var table in _tables)
            {
                var refreshedAt = _refreshedAt.GetValueOrDefault(table.Name, -1);
                if (table.Sources.Any(source => _writtenAt.GetValueOrDefault(source) > refreshedAt || stale.Any(s => s.Name == source)))
                {
                    stale.Add(table);
                }
            }
            return stale;
        }
    }

    private bool FingerprintCheckDue() =>
        _fingerprintsCheckedAt is not { } checkedAt || Stopwatch.GetElapsedTime(checkedAt) >= _fingerprintCheckInterval;

    /// <summary>Whether the database is at the schema of this build: before that, a derived table may not exist yet or still be a view.</summary>
    private async Task<bool> IsMigratedAsync(CancellationToken cancellationToken)
    {
        if ((await _inner.QueryAsync<ExistsRow>("EXISTS TABLE schema_migrations", cancellationToken: cancellationToken)).Single().Result != 1)
        {
            return false;
        }
        var applied = await _inner.QueryAsync<VersionRow>("SELECT toString(max(version)) AS version FROM schema_migrations", cancellationToken: cancellationToken);
        return applied.Single().Version == _latestMigration.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Marks stale each derived table whose sources changed since its last refresh (by any process), and fresh each that did not.</summary>
    private async Task CompareFingerprintsAsync(CancellationToken cancellationToken)
    {
        long version;
        lock (_versionsLock)
        {
            version = _version;
        }
        var recorded = (await _inner.QueryAsync<RefreshRow>("SELECT name, fingerprint FROM derived_refreshes FINAL", cancellationToken: cancellationToken))
            .ToDictionary(row => row.Name, row => row.Fingerprint, StringComparer.Ordinal);
        var sources = await SourceStatesAsync(cancellationToken);
        lock (_versionsLock)
        {
            foreach (var table in _tables)
            {
                var unchanged = recorded.TryGetValue(table.Name, out var fingerprint) && fingerprint == Fingerprint(table, sources);
                _refreshedAt[table.Name] = unchanged ? version : -1;
            }
        }
    }

    /// <summary>
    /// What each event and catalog table the derived tables are computed from holds now, cheaply (two queries): the
    /// newest block or mutation among its data parts (an insert or delete raises it; background merges do not
    /// change it), and for the small catalog mirror tables, which are replaced whole, a hash of their rows too.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, string>> SourceStatesAsync(CancellationToken cancellationToken)
    {
        var tables = _tables.SelectMany(BaseSources).Distinct(StringComparer.Ordinal).ToArray();
        // On a cluster the parts are on the shards, behind the Distributed tables.
        var partsQuery = _inner is Cluster.ClusterStore cluster ? cluster.PartsStateQuery : """
                SELECT table, toString(max(greatest(max_block_number, data_version))) AS state FROM system.parts
                WHERE database = currentDatabase() AND active AND table IN {tables:Array(String)}
                GROUP BY table
                """;
        var states = (await _inner.QueryAsync<SourceStateRow>(partsQuery, QueryParameters.From(("tables", tables)), cancellationToken))
            .ToDictionary(row => row.Table, row => row.State, StringComparer.Ordinal);
        // settings_ tables mirror configuration the same way (HotfixRulesSync).
        var catalogTables = tables.Where(table => table.StartsWith("catalog_", StringComparison.Ordinal) || table.StartsWith("settings_", StringComparison.Ordinal)).ToList();
        if (catalogTables.Count > 0)
        {
            // The names come from this build's own SQL files, not from input.
            var hashes = await _inner.QueryAsync<SourceStateRow>(string.Join("\nUNION ALL\n", catalogTables.Select(table =>
                // Over each row's text: cityHash64 of a row with a NULL (an open ownership range) is NULL, and sum() skips it.
                $"SELECT '{table}' AS table, toString(sum(cityHash64(toString(tuple(*))))) AS state FROM {table}")), cancellationToken: cancellationToken);
            foreach (var row in hashes)
            {
                states[row.Table] = $"{states.GetValueOrDefault(row.Table)}#{row.State}";
            }
        }
        return states;
    }

    /// <summary>The definition of <paramref name="table"/> (a release that changes it rebuilds the table) and the states of its sources.</summary>
    private ulong Fingerprint(DerivedTable table, IReadOnlyDictionary<string, string> sources)
    {
        var text = new StringBuilder(table.Select);
        foreach (var source in BaseSources(table))
        {
            text.Append('\n').Append(source).Append(':').Append(sources.GetValueOrDefault(source, "none"));
        }
        return BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private IEnumerable<string> BaseSources(DerivedTable table) =>
        table.Sources.SelectMany(source => _tables.FirstOrDefault(t => t.Name == source) is { } derived ? BaseSources(derived) : [source])
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);

    private sealed record ExistsRow(byte Result);

    private sealed record VersionRow(string Version);

    private sealed record RefreshRow(string Name, ulong Fingerprint);

    private sealed record RefreshedRow(DateTimeOffset RefreshedAt);

    private sealed record SourceStateRow(string Table, string State);
}
