namespace Analytics.Ingestors.Tests;

/// <summary>
/// Passes everything to the inner store; inserts and statements go through the hooks given, which call the inner
/// store when they choose (to hold a call, or to look at the store between two of them).
/// </summary>
/// <param name="insert">Gets the table and the inner insert.</param>
/// <param name="execute">Gets the statement and the inner execution.</param>
public sealed class DelegatingStore(
    IClickHouseStore inner,
    Func<string, Func<Task<long>>, CancellationToken, Task<long>>? insert = null,
    Func<string, Func<Task>, Task>? execute = null) : IClickHouseStore
{
    public string Database => inner.Database;

    public string Transport => inner.Transport;

    public Task ExecuteAsync(string sql, QueryParameters? parameters = null, CancellationToken cancellationToken = default) => execute is null
        ? inner.ExecuteAsync(sql, parameters, cancellationToken)
        : execute(sql, () => inner.ExecuteAsync(sql, parameters, cancellationToken));

    public Task<IReadOnlyList<TRow>> QueryAsync<TRow>(string sql, QueryParameters? parameters = null, CancellationToken cancellationToken = default) =>
        inner.QueryAsync<TRow>(sql, parameters, cancellationToken);

    public Task<long> InsertAsync(string table, IReadOnlyList<string> columns, IEnumerable<object?[]> rows, CancellationToken cancellationToken = default) => insert is null
        ? inner.InsertAsync(table, columns, rows, cancellationToken)
        : insert(table, () => inner.InsertAsync(table, columns, rows, cancellationToken), cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
