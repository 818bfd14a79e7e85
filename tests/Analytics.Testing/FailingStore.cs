using Analytics.Storage.ClickHouse;

namespace Analytics.Testing;

/// <summary>A store whose statements containing <see cref="FailOn"/> fail as the engine fails when memory runs out.</summary>
public sealed class FailingStore(IClickHouseStore inner) : IClickHouseStore
{
    public string? FailOn { get; set; }

    /// <summary>When true, such a statement runs first and then fails, as a process killed just after the engine finished it.</summary>
    public bool AfterRunning { get; set; }

    public string Database => inner.Database;

    public string Transport => inner.Transport;

    public async Task ExecuteAsync(string sql, QueryParameters? parameters = null, CancellationToken cancellationToken = default)
    {
        var fails = FailOn is { } text && sql.Contains(text, StringComparison.Ordinal);
        if (!fails || AfterRunning)
        {
            await inner.ExecuteAsync(sql, parameters, cancellationToken);
        }
        if (fails)
        {
            throw new ClickHouseException(241, "Memory limit (total) exceeded", sql);
        }
    }

    public Task<IReadOnlyList<TRow>> QueryAsync<TRow>(string sql, QueryParameters? parameters = null, CancellationToken cancellationToken = default) =>
        inner.QueryAsync<TRow>(sql, parameters, cancellationToken);

    public Task<long> InsertAsync(string table, IReadOnlyList<string> columns, IEnumerable<object?[]> rows, CancellationToken cancellationToken = default) =>
        inner.InsertAsync(table, columns, rows, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
