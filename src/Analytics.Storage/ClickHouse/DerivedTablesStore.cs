// Long: the derived tables' refresh protocol (staleness, fingerprints, the cross-process lock, failure status, whole or scoped rebuilds) reads best in one place; what a scoped refresh covers is decided in ScopedRefreshPlanner.
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Analytics.Storage.ClickHouse;

/// <summary>
/// A table computed from other tables by the SELECT in <c>sql/clickhouse/derived/&lt;Name&gt;.sql</c>, whose
/// <c>-- Sources:</c> line names the tables it reads (derived ones included, so refreshes run in order) and whose
/// <c>-- Scope:</c> line names the key it is computed per (<c>service</c> or <c>repository</c>, a column of the
/// table and its partition key's argument). The SELECT marks its base reads with <c>$in_services(expr)</c> or
/// <c>$in_repositories(expr)</c>: always true for a whole rebuild (<see cref="Select"/>), and an <c>IN</c> over the
/// parameters <c>scope_services</c>/<c>scope_repositories</c> for a scoped one (<see cref="ScopedSelect"/>), so
/// the engine reads only those keys' rows.
/// </summary>
public sealed partial record DerivedTable(string Name, string Definition, IReadOnlyList<string> Sources, string Scope)
{
    /// <summary>The SELECT over everything: what a whole rebuild inserts.</summary>
    public string Select { get; } = Markers().Replace(Definition, "1");

    /// <summary>The SELECT over the services and repositories bound as <c>scope_services</c> and <c>scope_repositories</c>.</summary>
    public string ScopedSelect { get; } = Markers().Replace(Definition, match =>
        $"({match.Groups["expr"].Value}) IN {{scope_{match.Groups["kind"].Value}:Array(String)}}");

    [GeneratedRegex(@"\$in_(?<kind>services|repositories)\((?<expr>[\w.]+)\)", RegexOptions.CultureInvariant)]
    private static partial Regex Markers();
}

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
/// failed attempts and incidents with their owners, failure evidence, commit and pull request shipments, attributed pull requests and reviews)
/// in step with what they are computed from. A write marks the derived tables that read the written table stale;
/// the next query that reads a derived table (or a view) refreshes the stale ones first, so a metric never reads data
/// older than the last write. A table is rebuilt beside the live one and swapped in with EXCHANGE TABLES, so a
/// reader in another process never sees it half-built. After writes that touched a few services or repositories, only their partitions are rebuilt and
/// swapped in with REPLACE PARTITION (<see cref="ScopedRefreshPlanner"/>, docs/operations.md "Incremental refresh");
/// <see cref="LastRefresh"/> says which was done and why.
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
public sealed partial class DerivedTablesStore : IClickHouseStore, IDerivedTables
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
    private readonly SourceStatements _statements;
    private readonly Regex _derivedReads;
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
    // Scoped refresh (null on a cluster, where the tables are rebuilt whole): the source parts the derived tables
    // were last known to reflect, valid while no write this process could not scope came after it.
    private readonly ScopedRefreshPlanner? _planner;
    private Baseline? _baseline;
    private int _unscopedWrites;
    private int _baselineUnscopedWrites;
    private readonly List<ScopedDelete> _scopedDeletes = [];
    private IReadOnlyDictionary<string, ulong> _recorded = new Dictionary<string, ulong>();
    // Tables a refresh of only what one query reads brought past the baseline (QueryRefreshingOnlyWhatItReadsAsync), with
    // the fingerprint recorded then: the next refresh still scopes from the baseline, which covers what they hold.
    private readonly Dictionary<string, ulong> _aheadOfBaseline = new(StringComparer.Ordinal);
    private DerivedRefreshReport? _lastRefresh;

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
        _statements = new SourceStatements(_tables.SelectMany(table => table.Sources));
        _derivedReads = DerivedReads(_tables, sqlFiles.Migrations());
        // On a cluster the parts are on the shards and REPLACE PARTITION does not go through a Distributed table.
        _planner = inner is Cluster.ClusterStore ? null : new ScopedRefreshPlanner(inner);
    }

    public string Database => _inner.Database;

    public string Transport => _inner.Transport;

    /// <summary>The derived tables, each after the derived tables it reads.</summary>
    public IReadOnlyList<DerivedTable> Tables => _tables;

    /// <summary>Whether the last refresh succeeded, and since when the tables served are current.</summary>
    public DerivedTablesStatus Status => Volatile.Read(ref _status);

    /// <summary>What the last refresh of this process did: whole tables or a scope, and how long it took.</summary>
    public DerivedRefreshReport? LastRefresh => Volatile.Read(ref _lastRefresh);

    public async Task ExecuteAsync(string sql, QueryParameters? parameters = null, CancellationToken cancellationToken = default)
    {
        try
        {
            await _inner.ExecuteAsync(sql, parameters, cancellationToken);
        }
        finally
        {
            // Even a failed statement may have changed data (a mutation, part of a DDL script).
            var written = _statements.Named(sql);
            if (written.Count > 0)
            {
                NoteStatement(_statements.Recognise(sql, parameters));
            }
            MarkWritten(written);
        }
    }

    /// <summary>Keeps what the next refresh must know of a write to a source: the keys of a scoped DELETE, or that it cannot be scoped.</summary>
    private void NoteStatement(SourceWrite write)
    {
        if (write.Delete is null && !write.Unscoped)
        {
            return;
        }
        lock (_versionsLock)
        {
            if (write.Delete is { } delete)
            {
                _scopedDeletes.Add(delete);
            }
            else
            {
                _unscopedWrites++;
            }
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

    public Task<IReadOnlyList<TRow>> QueryAsync<TRow>(string sql, QueryParameters? parameters = null, CancellationToken cancellationToken = default) =>
        // Every stale table, not only those the query reads: a page's next queries then find them current, and the
        // refresh's fixed cost (fingerprints, lock, plan) is paid once.
        QueryAfterRefreshAsync<TRow>(sql, parameters, only: null, cancellationToken);

    /// <summary>
    /// Runs a query after refreshing only the stale derived tables it names and those they are computed from, not every
    /// stale table as <see cref="QueryAsync{TRow}"/> does. For a writer that reads its own write through a derived table
    /// and then writes again: the deployment linker reads <c>production_deployments</c> right after a deployment is
    /// written, then writes the links most derived tables read, so they are refreshed once, after the links, instead of
    /// twice (a webhook delivery, docs/operations.md "Incremental refresh"). A query naming a view refreshes every stale
    /// table, as a view's tables are not known here.
    /// </summary>
    public Task<IReadOnlyList<TRow>> QueryRefreshingOnlyWhatItReadsAsync<TRow>(string sql, QueryParameters? parameters = null, CancellationToken cancellationToken = default) =>
        QueryAfterRefreshAsync<TRow>(sql, parameters, TablesRead(sql), cancellationToken);

    /// <param name="only">The derived tables to bring up to date; null = every stale one.</param>
    private async Task<IReadOnlyList<TRow>> QueryAfterRefreshAsync<TRow>(string sql, QueryParameters? parameters, IReadOnlySet<string>? only, CancellationToken cancellationToken)
    {
        // A query that names no derived table and no view reads only tables every write keeps current: it need not
        // wait for a refresh (a webhook delivery's duplicate check, the linker's read of the commit graph).
        if (_derivedReads.IsMatch(sql) && (_failedAt is not { } failedAt || Stopwatch.GetElapsedTime(failedAt) >= RetryAfterFailure))
        {
            try
            {
                await RefreshStaleAsync(only, cancellationToken);
            }
            catch (Exception error) when (error is not OperationCanceledException && _migrated)
            {
                // Recorded by the refresh: serve the last good tables; the pages say so.
            }
        }
        return await _inner.QueryAsync<TRow>(sql, parameters, cancellationToken);
    }

    /// <summary>The derived tables <paramref name="sql"/> names and those they are computed from; null when it names a view.</summary>
    private IReadOnlySet<string>? TablesRead(string sql)
    {
        var named = _derivedReads.Matches(sql).Select(match => match.Value).ToHashSet(StringComparer.Ordinal);
        if (named.Any(name => _tables.All(table => table.Name != name)))
        {
            return null;
        }
        var read = new HashSet<string>(StringComparer.Ordinal);
        // _tables is in dependency order: walking it backwards meets a table before the derived tables it reads.
        foreach (var table in _tables.Reverse())
        {
            if (named.Contains(table.Name) || read.Contains(table.Name))
            {
                read.Add(table.Name);
                read.UnionWith(table.Sources.Where(source => _tables.Any(t => t.Name == source)));
            }
        }
        return read;
    }

    /// <summary>
    /// Brings every stale derived table up to date now (queries do this on their own; an ingest run calls it so
    /// the work is done before a dashboard in another process reads). Does nothing while migrations are pending.
    /// </summary>
    public Task RefreshStaleAsync(CancellationToken cancellationToken = default) => RefreshStaleAsync(only: null, cancellationToken);

    /// <param name="only">The derived tables to bring up to date; null = every stale one.</param>
    private async Task RefreshStaleAsync(IReadOnlySet<string>? only, CancellationToken cancellationToken)
    {
        if (!FingerprintCheckDue() && StaleTables(only).Count == 0)
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
            if (StaleTables(only).Count > 0)
            {
                await RefreshLockedAsync(only, cancellationToken);
            }
        }
        finally
        {
            _refreshLock.Release();
        }
    }

    /// <summary>
    /// Rebuilds the stale tables (of <paramref name="only"/>, when given) holding the cross-process refresh lock; records
    /// how it went in <see cref="Status"/>. Only when no stale table is left behind does the baseline move on: the tables
    /// left stale are refreshed later from the same baseline.
    /// </summary>
    private async Task RefreshLockedAsync(IReadOnlySet<string>? only, CancellationToken cancellationToken)
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
                var started = Stopwatch.GetTimestamp();
                Baseline? baseline;
                int unscopedWrites;
                List<ScopedDelete> deletes;
                lock (_versionsLock)
                {
                    // Before the sources are captured: a write after this shows in the parts, or waits for the next refresh.
                    baseline = _baselineUnscopedWrites == _unscopedWrites ? _baseline : null;
                    unscopedWrites = _unscopedWrites;
                    deletes = [.. _scopedDeletes];
                }
                // Another process may have refreshed while this one waited. The sources' parts are taken before
                // rebuilding: a write landing meanwhile leaves the recorded fingerprint behind, so the next check
                // rebuilds again rather than missing it.
                var capture = await CompareFingerprintsAsync(cancellationToken);
                _fingerprintsCheckedAt = Stopwatch.GetTimestamp();
                var allStale = StaleTables();
                var stale = StaleTables(only);
                var (scope, reason) = await PlanAsync(baseline, capture, stale, deletes, cancellationToken);
                var partitions = 0;
                var environmentMoved = false;
                var fingerprints = new Dictionary<string, ulong>(StringComparer.Ordinal);
                foreach (var table in stale)
                {
                    var fingerprint = fingerprints[table.Name] = Fingerprint(table, capture.States);
                    partitions += scope is null
                        ? await RefreshAsync(table, fingerprint, cancellationToken)
                        : await RefreshScopedAsync(table, scope, fingerprint, cancellationToken);
                    // The production environments are known again (a few rows per service): if one changed side,
                    // other services' rows move, so the tables after this one are rebuilt whole.
                    if (scope is not null && table.Name == ScopedRefreshPlanner.EnvironmentsTable
                        && await _planner!.MovedEnvironmentAsync(baseline!.Production, cancellationToken) is { } moved)
                    {
                        (scope, reason, partitions, environmentMoved) = (null, moved, 0, true);
                    }
                }
                if (stale.Count < allStale.Count)
                {
                    lock (_versionsLock)
                    {
                        foreach (var (name, fingerprint) in fingerprints)
                        {
                            _aheadOfBaseline[name] = fingerprint;
                        }
                        if (environmentMoved)
                        {
                            // The tables left stale must be rebuilt whole too, and the moved environment is no longer
                            // visible against the baseline once deployment_environments is current.
                            _baseline = null;
                        }
                    }
                }
                else
                {
                    // What the tables were computed with now (the refresh lock keeps deployment_environments as it is).
                    var snapshot = capture.Snapshot is { } parts ? new Baseline(parts, await _planner!.ProductionAsync(cancellationToken)) : null;
                    lock (_versionsLock)
                    {
                        // The tables now reflect the captured parts, unless a write that cannot be scoped came meanwhile.
                        SetBaseline(unscopedWrites == _unscopedWrites ? snapshot : null, unscopedWrites, deletes.Count);
                    }
                }
                Volatile.Write(ref _lastRefresh, new DerivedRefreshReport(scope is not null, reason, scope?.Services.Count ?? 0,
                    scope?.Repositories.Count ?? 0, stale.Select(table => table.Name).ToList(), partitions, Stopwatch.GetElapsedTime(started)));
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

    /// <summary>
    /// Whether the stale tables can be refreshed per service and repository (<see cref="ScopedRefreshPlanner"/>), and
    /// which; null and why not when they must be rebuilt whole.
    /// </summary>
    private async Task<(RefreshScope? Scope, string Reason)> PlanAsync(Baseline? baseline, SourceCapture capture, List<DerivedTable> stale, List<ScopedDelete> deletes, CancellationToken cancellationToken)
    {
        if (_planner is null || capture.Snapshot is null)
        {
            return (null, "a cluster rebuilds whole tables");
        }
        if (baseline is null)
        {
            return (null, _baseline is null ? "no earlier refresh of this process to start from" : "a statement other than an insert or a scoped delete changed a source");
        }
        // Each table must hold what the baseline's data gives (not data another process or a failed refresh left), or
        // what this process's refresh of only some tables left, which the baseline's scope covers.
        if (stale.FirstOrDefault(table => _recorded.GetValueOrDefault(table.Name) is var recorded
            && recorded != Fingerprint(table, baseline.Sources.States) && !(_aheadOfBaseline.TryGetValue(table.Name, out var ahead) && ahead == recorded)) is { } other)
        {
            return (null, $"{other.Name} was last refreshed from other data");
        }
        return await _planner.PlanAsync(baseline.Sources, capture.Snapshot, deletes, stale.SelectMany(BaseSources).Distinct(StringComparer.Ordinal), cancellationToken);
    }

    /// <summary>
    /// Rebuilds the partitions of <paramref name="table"/> holding the scope's keys: a staging table gets the scope's
    /// rows computed afresh and the partitions' other rows as they are, then each partition is swapped in with
    /// REPLACE PARTITION (atomic per partition: a reader sees a partition before or after, whole). Returns the
    /// number of partitions replaced.
    /// </summary>
    private async Task<int> RefreshScopedAsync(DerivedTable table, RefreshScope scope, ulong fingerprint, CancellationToken cancellationToken)
    {
        long version;
        lock (_versionsLock)
        {
            version = ++_version;
        }
        var buckets = scope.Buckets(table.Scope);
        if (buckets.Count > 0)
        {
            var staging = table.Name + StagingSuffix + Guid.NewGuid().ToString("N")[..12];
            var parameters = scope.Parameters();
            parameters["buckets"] = buckets;
            parameters["keys"] = scope.Keys(table.Scope);
            try
            {
                await _inner.ExecuteAsync($"CREATE TABLE {staging} AS {table.Name}", cancellationToken: cancellationToken);
                await _inner.ExecuteAsync($"INSERT INTO {staging} {table.ScopedSelect}", parameters, cancellationToken);
                await _inner.ExecuteAsync(
                    $"INSERT INTO {staging} SELECT * FROM {table.Name} WHERE _partition_id IN {{buckets:Array(String)}} AND {table.Scope} NOT IN {{keys:Array(String)}}",
                    parameters, cancellationToken);
                var filled = (await _inner.QueryAsync<PartitionRow>($"SELECT DISTINCT _partition_id AS partition_id FROM {staging}", cancellationToken: cancellationToken))
                    .Select(row => row.PartitionId).ToHashSet(StringComparer.Ordinal);
                foreach (var bucket in buckets)
                {
                    // Ids are the engine's own (digits); a bucket left with no row is emptied.
                    await _inner.ExecuteAsync(filled.Contains(bucket)
                        ? $"ALTER TABLE {table.Name} REPLACE PARTITION ID '{ulong.Parse(bucket, System.Globalization.CultureInfo.InvariantCulture)}' FROM {staging}"
                        : $"ALTER TABLE {table.Name} DROP PARTITION ID '{ulong.Parse(bucket, System.Globalization.CultureInfo.InvariantCulture)}'", cancellationToken: cancellationToken);
                }
            }
            finally
            {
                await _inner.ExecuteAsync($"DROP TABLE IF EXISTS {staging} SYNC", cancellationToken: CancellationToken.None);
            }
        }
        await RecordRefreshAsync(table, fingerprint, version, cancellationToken);
        return buckets.Count;
    }

    private async Task<int> RefreshAsync(DerivedTable table, ulong fingerprint, CancellationToken cancellationToken)
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
        await RecordRefreshAsync(table, fingerprint, version, cancellationToken);
        return 0;
    }

    /// <summary>Records the table's fingerprint for every process, and for this one that it is current as of <paramref name="version"/>.</summary>
    private async Task RecordRefreshAsync(DerivedTable table, ulong fingerprint, long version, CancellationToken cancellationToken)
    {
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
                sourceWritten |= _statements.IsSource(table);
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

    private List<DerivedTable> StaleTables(IReadOnlySet<string>? only) =>
        only is null ? StaleTables() : StaleTables().Where(table => only.Contains(table.Name)).ToList();

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

    /// <summary>
    /// Matches a statement that may read a derived table: one naming a derived table or any view the migrations
    /// create (a view may read a derived table, or be read by one's SELECT).
    /// </summary>
    private static Regex DerivedReads(IEnumerable<DerivedTable> tables, IEnumerable<MigrationFile> migrations)
    {
        var names = tables.Select(table => table.Name)
            .Concat(migrations.SelectMany(migration => ViewDefinition().Matches(migration.Sql).Select(match => match.Groups["view"].Value)))
            .Distinct(StringComparer.Ordinal)
            .Select(Regex.Escape);
        return new Regex($@"\b(?:{string.Join('|', names)})\b", RegexOptions.CultureInvariant | RegexOptions.Compiled);
    }

    [GeneratedRegex(@"CREATE\s+(?:OR\s+REPLACE\s+)?VIEW\s+(?:IF\s+NOT\s+EXISTS\s+)?`?(?<view>\w+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ViewDefinition();

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

    /// <summary>
    /// Marks stale each derived table whose sources changed since its last refresh (by any process), and fresh each
    /// that did not. Returns what the sources held, for a refresh to start from.
    /// </summary>
    private async Task<SourceCapture> CompareFingerprintsAsync(CancellationToken cancellationToken)
    {
        long version;
        int unscopedWrites;
        int deletes;
        lock (_versionsLock)
        {
            version = _version;
            unscopedWrites = _unscopedWrites;
            deletes = _scopedDeletes.Count;
        }
        var recorded = (await _inner.QueryAsync<RefreshRow>("SELECT name, fingerprint FROM derived_refreshes FINAL", cancellationToken: cancellationToken))
            .ToDictionary(row => row.Name, row => row.Fingerprint, StringComparer.Ordinal);
        _recorded = recorded;
        var capture = await CaptureSourcesAsync(cancellationToken);
        var unchanged = _tables.ToDictionary(table => table.Name,
            table => recorded.TryGetValue(table.Name, out var fingerprint) && fingerprint == Fingerprint(table, capture.States), StringComparer.Ordinal);
        var allUnchanged = unchanged.Values.All(value => value);
        // The production environments only when they may become the baseline (a read of deployment_environments).
        var snapshot = allUnchanged && capture.Snapshot is { } parts ? new Baseline(parts, await _planner!.ProductionAsync(cancellationToken)) : null;
        lock (_versionsLock)
        {
            foreach (var table in _tables)
            {
                _refreshedAt[table.Name] = unchanged[table.Name] ? version : -1;
            }
            if (snapshot is not null && unscopedWrites == _unscopedWrites)
            {
                // Every table reflects these parts: a later write can be refreshed from here.
                SetBaseline(snapshot, unscopedWrites, deletes);
            }
        }
        return capture;
    }

    /// <summary>
    /// What each event and catalog table the derived tables are computed from holds now, cheaply (two queries): the
    /// newest block or mutation among its data parts (an insert or delete raises it; background merges do not
    /// change it), and for the small catalog mirror tables, which are replaced whole, a hash of their rows too.
    /// </summary>
    private async Task<SourceCapture> CaptureSourcesAsync(CancellationToken cancellationToken)
    {
        var tables = _tables.SelectMany(BaseSources).Distinct(StringComparer.Ordinal).ToArray();
        Dictionary<string, string> states;
        IReadOnlyList<SourcePart>? parts = null;
        if (_inner is Cluster.ClusterStore cluster)
        {
            // On a cluster the parts are on the shards, behind the Distributed tables.
            states = (await _inner.QueryAsync<SourceStateRow>(cluster.PartsStateQuery, QueryParameters.From(("tables", tables)), cancellationToken))
                .ToDictionary(row => row.Table, row => row.State, StringComparer.Ordinal);
        }
        else
        {
            // The parts themselves too: the next scoped refresh finds what was written in the parts that appear after these.
            parts = await _planner!.PartsAsync(tables, cancellationToken);
            states = parts.GroupBy(part => part.Table, StringComparer.Ordinal).ToDictionary(group => group.Key,
                group => group.Max(part => Math.Max(part.MaxBlock, part.DataVersion)).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal);
        }
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
        return new SourceCapture(states, parts is null ? null : new SourceSnapshot(parts, states));
    }

    /// <summary>Every table now reflects <paramref name="baseline"/> (null: none known); the deletes planned from the old one are done. Under the versions lock.</summary>
    private void SetBaseline(Baseline? baseline, int unscopedWrites, int deletesDone)
    {
        _baseline = baseline;
        _baselineUnscopedWrites = unscopedWrites;
        _scopedDeletes.RemoveRange(0, deletesDone);
        _aheadOfBaseline.Clear();
    }

    /// <summary>The sources' fingerprint states, and (not on a cluster) with the parts they came from.</summary>
    private sealed record SourceCapture(IReadOnlyDictionary<string, string> States, SourceSnapshot? Snapshot);

    /// <summary>
    /// What the derived tables were last known to be computed from: the sources' parts, and which environments were
    /// production (each (source, environment) pair deployments name).
    /// </summary>
    private sealed record Baseline(SourceSnapshot Sources, IReadOnlyDictionary<string, bool> Production);

    private sealed record PartitionRow(string PartitionId);

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
