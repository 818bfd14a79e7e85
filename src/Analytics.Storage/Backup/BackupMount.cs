using Analytics.Storage.ClickHouse;

namespace Analytics.Storage.Backup;

/// <summary>
/// A ClickHouse backup opened read-only as a database of its own (the engine's <c>Backup</c> database engine), so
/// what it holds is counted and checked before anything live is touched. Dropped when disposed.
/// </summary>
internal sealed class BackupMount : IAsyncDisposable
{
    private readonly IClickHouseStore _store;

    private readonly string _name;

    private BackupMount(IClickHouseStore store, string name)
    {
        _store = store;
        _name = name;
    }

    /// <summary>The mount's database name, quoted.</summary>
    private string Database => ClickHouseText.QuoteIdentifier(_name);

    public static async Task<BackupMount> OpenAsync(IClickHouseStore store, string location, CancellationToken cancellationToken)
    {
        var name = $"{store.Database}__backup_{Guid.NewGuid().ToString("N")[..12]}";
        await store.ExecuteAsync(
            $"CREATE DATABASE {ClickHouseText.QuoteIdentifier(name)} ENGINE = Backup({ClickHouseText.QuoteLiteral(store.Database)}, File({ClickHouseText.QuoteLiteral(location)}))",
            cancellationToken: cancellationToken);
        return new BackupMount(store, name);
    }

    /// <summary>The tables in the backup (views are not readable through the mount; they come back with RESTORE).</summary>
    public async Task<IReadOnlyList<string>> TablesAsync(CancellationToken cancellationToken) =>
        (await _store.QueryAsync<NameRow>(
            "SELECT name FROM system.tables WHERE database = {database:String} ORDER BY name",
            QueryParameters.From(("database", _name)), cancellationToken)).Select(row => row.Name).ToList();

    public async Task<IReadOnlyDictionary<string, ulong>> RowsPerTableAsync(CancellationToken cancellationToken)
    {
        var rows = new SortedDictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var table in await TablesAsync(cancellationToken))
        {
            var count = await _store.QueryAsync<CountRow>($"SELECT count() AS rows FROM {Database}.{ClickHouseText.QuoteIdentifier(table)}", cancellationToken: cancellationToken);
            rows[table] = count.Single().Rows;
        }
        return rows;
    }

    /// <summary>The newest schema migration recorded in the backup.</summary>
    public async Task<int> SchemaVersionAsync(CancellationToken cancellationToken) =>
        (int)(await _store.QueryAsync<VersionRow>($"SELECT max(version) AS version FROM {Database}.schema_migrations", cancellationToken: cancellationToken)).Single().Version;

    /// <summary>The newest <c>ingested_at</c> of <paramref name="source"/>'s rows over every table with both columns, or null if it has none.</summary>
    public async Task<DateTimeOffset?> NewestIngestedAsync(string source, CancellationToken cancellationToken)
    {
        var tables = await _store.QueryAsync<TableRow>(
            """
            SELECT table FROM system.columns
            WHERE database = {database:String} AND name IN ('source', 'ingested_at')
            GROUP BY table HAVING count() = 2 ORDER BY table
            """,
            QueryParameters.From(("database", _name)), cancellationToken);
        DateTimeOffset? newest = null;
        foreach (var table in tables)
        {
            var found = await _store.QueryAsync<NewestRow>(
                $"SELECT max(ingested_at) AS newest, count() AS rows FROM {Database}.{ClickHouseText.QuoteIdentifier(table.Table)} WHERE source = {{source:String}}",
                QueryParameters.From(("source", source)), cancellationToken);
            if (found.Single() is { Rows: > 0 } row && (newest is null || row.Newest > newest))
            {
                newest = row.Newest;
            }
        }
        return newest;
    }

    public async ValueTask DisposeAsync() =>
        await _store.ExecuteAsync($"DROP DATABASE IF EXISTS {Database} SYNC");

    private sealed record NameRow(string Name);

    private sealed record TableRow(string Table);

    private sealed record CountRow(ulong Rows);

    private sealed record VersionRow(uint Version);

    private sealed record NewestRow(DateTimeOffset Newest, ulong Rows);
}
