using Analytics.Storage.ClickHouse.Server;

namespace Analytics.Ingestors.Tests;

/// <summary>
/// ClickHouse going away: while <see cref="IsDown"/>, every call goes to a ClickHouse server transport pointed at a
/// loopback port nothing listens on, so a run meets the real failure of an unreachable server. With a
/// <paramref name="table"/>, it goes down by itself at the first insert into that table or a run's staging table of
/// it (the middle of a run).
/// Set <see cref="IsDown"/> back to false to bring it back.
/// </summary>
public sealed class StoreOutage(string? table = null)
{
    private readonly ClickHouseServerStore _unreachable = new($"Host=127.0.0.1;Port={ClosedPort()};Username=default", "analytics");

    public bool IsDown { get; set; }

    public bool WentDown { get; private set; }

    public IClickHouseStore Wrap(IClickHouseStore inner) => new Switching(this, inner);

    private static int ClosedPort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private sealed class Switching(StoreOutage outage, IClickHouseStore inner) : IClickHouseStore
    {
        private IClickHouseStore Current => outage.IsDown ? outage._unreachable : inner;

        public string Database => inner.Database;

        public string Transport => Current.Transport;

        public Task ExecuteAsync(string sql, QueryParameters? parameters = null, CancellationToken cancellationToken = default) =>
            Current.ExecuteAsync(sql, parameters, cancellationToken);

        public Task<IReadOnlyList<TRow>> QueryAsync<TRow>(string sql, QueryParameters? parameters = null, CancellationToken cancellationToken = default) =>
            Current.QueryAsync<TRow>(sql, parameters, cancellationToken);

        public Task<long> InsertAsync(string table, IReadOnlyList<string> columns, IEnumerable<object?[]> rows, CancellationToken cancellationToken = default)
        {
            if (outage._table is not null && (table == outage._table || table.StartsWith(outage._table + "__run_", StringComparison.Ordinal)) && !outage.WentDown)
            {
                (outage.IsDown, outage.WentDown) = (true, true);
            }
            return Current.InsertAsync(table, columns, rows, cancellationToken);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private readonly string? _table = table;
}
