using Analytics.Storage.ClickHouse;

namespace Analytics.Testing;

/// <summary>A store whose statements containing <see cref="FailOn"/> fail as the engine fails when memory runs out.</summary>
public sealed class FailingStore(IClickHouseStore inner) : IClickHouseStore
{
    public string? FailOn { get; set; }

    public string Database => inner.Database;

    public string Transport => inner.Transport;

    public Task ExecuteAsync(string sql, QueryParameters? parameters = null, CancellationToken cancellationToken = default) =>
        FailOn is { } text && sql.Contains(text, StringComparison.Ordinal)
            ? throw new ClickHouseException(241, "Memory limit (total) exceeded", sql)
            : inner.ExecuteAsync(sql, parameters, cancellationToken);

    public Task<IReadOnlyList<TRow>> QueryAsync<TRow>(string sql, QueryParameters? parameters = null, CancellationToken cancellationToken = default) =>
        inner.QueryAsync<TRow>(sql, parameters, cancellationToken);

    public Task<long> InsertAsync(string table, IReadOnlyList<string> columns, IEnumerable<object?[]> rows, CancellationToken cancellationToken = default) =>
        inner.InsertAsync(table, columns, rows, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
