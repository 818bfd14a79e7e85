using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Analytics.Storage.ClickHouse;

/// <summary>
/// The store every service gets: <paramref name="inner"/> with a span and a duration per call, named by the SQL file a
/// query came from (<see cref="SqlFiles.NameOf"/>: "dora/lead_time"), "insert" or "statement"; never the SQL text or
/// its values. OpenTelemetry reads them when the host registers <see cref="Name"/>.
/// </summary>
public sealed class InstrumentedStore(IClickHouseStore inner, SqlFiles sqlFiles) : IClickHouseStore
{
    public const string Name = "Analytics.ClickHouse";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("analytics.clickhouse.query.duration", "s", "How long a ClickHouse call took, by SQL file.");

    public string Database => inner.Database;

    public string Transport => inner.Transport;

    public Task ExecuteAsync(string sql, QueryParameters? parameters = null, CancellationToken cancellationToken = default) =>
        MeasureAsync(sqlFiles.NameOf(sql) ?? "statement", async () =>
        {
            await inner.ExecuteAsync(sql, parameters, cancellationToken);
            return 0;
        });

    public Task<IReadOnlyList<TRow>> QueryAsync<TRow>(string sql, QueryParameters? parameters = null, CancellationToken cancellationToken = default) =>
        MeasureAsync(sqlFiles.NameOf(sql) ?? "query", () => inner.QueryAsync<TRow>(sql, parameters, cancellationToken));

    public Task<long> InsertAsync(string table, IReadOnlyList<string> columns, IEnumerable<object?[]> rows, CancellationToken cancellationToken = default) =>
        MeasureAsync("insert", () => inner.InsertAsync(table, columns, rows, cancellationToken));

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private async Task<T> MeasureAsync<T>(string name, Func<Task<T>> call)
    {
        using var activity = Source.StartActivity($"clickhouse {name}", ActivityKind.Client);
        // db.namespace (OpenTelemetry's name for the database) tells apart stores sharing one process, e.g. two hosts.
        activity?.SetTag("db.system", "clickhouse").SetTag("db.namespace", inner.Database).SetTag("analytics.query", name);
        var started = Stopwatch.GetTimestamp();
        string? error = null;
        try
        {
            return await call();
        }
        catch (Exception failure)
        {
            error = failure is ClickHouseException { Code: > 0 } engine ? $"clickhouse.{engine.Code}" : failure.GetType().Name;
            activity?.SetStatus(ActivityStatusCode.Error, error);
            throw;
        }
        finally
        {
            var tags = new TagList { { "analytics.query", name } };
            if (error is not null)
            {
                tags.Add("error.type", error);
            }
            Duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
        }
    }
}
