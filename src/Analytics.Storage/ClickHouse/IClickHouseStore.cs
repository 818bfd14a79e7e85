namespace Analytics.Storage.ClickHouse;

/// <summary>
/// The one way code reaches ClickHouse, whichever transport is behind it (embedded chDB or a server).
/// SQL uses ClickHouse's own <c>{name:Type}</c> placeholders; values are bound by the engine, never spliced in.
/// Unqualified table names resolve in <see cref="Database"/>.
/// </summary>
public interface IClickHouseStore : IAsyncDisposable
{
    /// <summary>The database this store reads and writes; tests isolate themselves by giving each a new one.</summary>
    string Database { get; }

    /// <summary>"embedded" or "server", for logs and the admin page.</summary>
    string Transport { get; }

    Task ExecuteAsync(string sql, QueryParameters? parameters = null, CancellationToken cancellationToken = default);

    /// <summary>Runs a SELECT and maps each row to <typeparamref name="TRow"/> by column name (snake_case ⇄ PascalCase).</summary>
    Task<IReadOnlyList<TRow>> QueryAsync<TRow>(string sql, QueryParameters? parameters = null, CancellationToken cancellationToken = default);

    /// <summary>Streams rows into <paramref name="table"/> without the size limit of inline INSERT data. Returns the rows sent.</summary>
    Task<long> InsertAsync(string table, IReadOnlyList<string> columns, IEnumerable<object?[]> rows, CancellationToken cancellationToken = default);
}
