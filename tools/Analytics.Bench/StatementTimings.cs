using System.Collections.Concurrent;
using System.Diagnostics;
using Analytics.Storage.ClickHouse;

namespace Analytics.Bench;

/// <summary>
/// Passes every statement to the engine and, while <see cref="Recording"/>, notes how long each took: where a refresh
/// spends its time, statement by statement (the embedded engine keeps no query log).
/// </summary>
public sealed class StatementTimings(IClickHouseStore inner) : IClickHouseStore
{
    private readonly ConcurrentQueue<(string Statement, TimeSpan Elapsed)> _timings = new();

    public bool Recording { get; set; }

    public string Database => inner.Database;

    public string Transport => inner.Transport;

    /// <summary>The statements timed since the last call, in order, each as its first 110 characters on one line.</summary>
    public IReadOnlyList<(string Statement, TimeSpan Elapsed)> Take()
    {
        var taken = new List<(string, TimeSpan)>();
        while (_timings.TryDequeue(out var timing))
        {
            taken.Add(timing);
        }
        return taken;
    }

    public Task ExecuteAsync(string sql, QueryParameters? parameters = null, CancellationToken cancellationToken = default) =>
        TimeAsync(sql, () => inner.ExecuteAsync(sql, parameters, cancellationToken));

    public async Task<IReadOnlyList<TRow>> QueryAsync<TRow>(string sql, QueryParameters? parameters = null, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<TRow> rows = [];
        await TimeAsync(sql, async () => rows = await inner.QueryAsync<TRow>(sql, parameters, cancellationToken));
        return rows;
    }

    public async Task<long> InsertAsync(string table, IReadOnlyList<string> columns, IEnumerable<object?[]> rows, CancellationToken cancellationToken = default)
    {
        long sent = 0;
        await TimeAsync($"insert stream into {table}", async () => sent = await inner.InsertAsync(table, columns, rows, cancellationToken));
        return sent;
    }

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private async Task TimeAsync(string sql, Func<Task> run)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await run();
        }
        finally
        {
            if (Recording)
            {
                var line = string.Join(' ', sql.Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
                _timings.Enqueue((line.Length <= 110 ? line : line[..110] + "…", Stopwatch.GetElapsedTime(started)));
            }
        }
    }
}
