using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClickHouse.Driver;
using ClickHouse.Driver.ADO.Parameters;

namespace Analytics.Storage.ClickHouse.Server;

/// <summary>
/// <see cref="IClickHouseStore"/> over a ClickHouse server or cluster through the official ClickHouse.Driver (HTTP).
/// Rows are read through the driver's reader and mapped by <see cref="RowMapper"/>, the same mapping as the
/// embedded transport; bulk inserts send the same TabSeparated text as the embedded transport.
/// </summary>
public sealed class ClickHouseServerStore : IClickHouseStore
{
    private readonly ClickHouseClient _client;
    private readonly QueryOptions _options;
    // Bulk inserts carry the same settings as the embedded transport's (TsvRowWriter.InsertStatement).
    private readonly QueryOptions _insertOptions;

    /// <param name="connectionString">ClickHouse.Driver connection string, e.g. <c>Host=ch;Port=8123;Username=app;Password=…</c>. Never logged.</param>
    /// <param name="database">The database to use; created if missing.</param>
    /// <param name="httpClient">Optional; lets the host supply resilience handlers.</param>
    /// <param name="settings">ClickHouse settings sent with every call (a cluster's: <see cref="Cluster.ClusterStore.Settings"/>).</param>
    public ClickHouseServerStore(string connectionString, string database, HttpClient? httpClient = null, IReadOnlyDictionary<string, object>? settings = null)
    {
        _client = httpClient is null ? new ClickHouseClient(connectionString) : new ClickHouseClient(connectionString, httpClient);
        _settings = settings ?? new Dictionary<string, object>();
        _options = new QueryOptions { Database = database, CustomSettings = WithSettings() };
        _insertOptions = new QueryOptions
        {
            Database = database,
            CustomSettings = WithSettings((TsvRowWriter.PartitionLimit.Key, TsvRowWriter.PartitionLimit.Value)),
        };
        Database = database;
    }

    private readonly IReadOnlyDictionary<string, object> _settings;

    public string Database { get; }

    public string Transport => "server";

    /// <summary>Creates the database if it does not exist (on every node of <paramref name="cluster"/> when given); call once before use.</summary>
    public async Task EnsureDatabaseAsync(Cluster.ClusterDdl? cluster = null, CancellationToken cancellationToken = default)
    {
        var create = $"CREATE DATABASE IF NOT EXISTS {ClickHouseText.QuoteIdentifier(Database)}";
        await Translate("CREATE DATABASE", async () =>
            await _client.ExecuteNonQueryAsync(cluster?.Rewrite(create).Single() ?? create, null, new QueryOptions(), cancellationToken));
    }

    public async Task ExecuteAsync(string sql, QueryParameters? parameters = null, CancellationToken cancellationToken = default) =>
        await Translate(sql, async () => await _client.ExecuteNonQueryAsync(sql, ToDriverParameters(parameters), _options, cancellationToken));

    public Task<IReadOnlyList<TRow>> QueryAsync<TRow>(string sql, QueryParameters? parameters = null, CancellationToken cancellationToken = default) =>
        Translate(sql, async () =>
        {
            await using var reader = await _client.ExecuteReaderAsync(sql, ToDriverParameters(parameters), WithTimeout(QueryTimeout.Current), cancellationToken);
            var rows = new List<TRow>();
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(ToJson(reader).Deserialize<TRow>(RowMapper.Options)
                    ?? throw new InvalidOperationException($"A result row did not map to {typeof(TRow).Name}."));
            }
            return (IReadOnlyList<TRow>)rows;
        });

    public Task<long> InsertAsync(string table, IReadOnlyList<string> columns, IEnumerable<object?[]> rows, CancellationToken cancellationToken = default) =>
        Translate($"INSERT INTO {table}", async () =>
        {
            var rowCount = new StrongBox<long>(0);
            foreach (var chunk in TsvRowWriter.Chunks(rows, columns.Count, rowCount, cancellationToken))
            {
                using var body = new MemoryStream(chunk.ToArray(), writable: false);
                using var response = await _client.InsertRawStreamAsync(table, body, "TabSeparated", columns, false, _insertOptions, cancellationToken);
                response.EnsureSuccessStatusCode();
            }
            return rowCount.Value;
        });

    /// <summary>The query's options, with <c>max_execution_time</c> when a <see cref="QueryTimeout"/> is in force.</summary>
    private QueryOptions WithTimeout(TimeSpan? timeout) => timeout is { } limit
        ? new QueryOptions { Database = Database, CustomSettings = WithSettings(("max_execution_time", QueryTimeout.Seconds(limit))) }
        : _options;

    private Dictionary<string, object> WithSettings(params (string Key, object Value)[] more)
    {
        var settings = new Dictionary<string, object>(_settings, StringComparer.Ordinal);
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }
        return settings;
    }

    private static ClickHouseParameterCollection? ToDriverParameters(QueryParameters? parameters)
    {
        if (parameters is not { Count: > 0 })
        {
            return null;
        }
        var collection = new ClickHouseParameterCollection();
        foreach (var (name, value) in parameters)
        {
            collection.Add(new ClickHouseDbParameter { ParameterName = name, Value = value ?? DBNull.Value });
        }
        return collection;
    }

    private static JsonObject ToJson(DbDataReader reader)
    {
        var row = new JsonObject();
        for (var i = 0; i < reader.FieldCount; i++)
        {
            var value = reader.IsDBNull(i) ? null : reader.GetValue(i);
            row[reader.GetName(i)] = value switch
            {
                null => null,
                DateTime dateTime => JsonValue.Create(new DateTimeOffset(DateTime.SpecifyKind(dateTime, DateTimeKind.Utc))),
                _ => JsonSerializer.SerializeToNode(value, value.GetType()),
            };
        }
        return row;
    }

    /// <summary>Maps the driver's server errors to <see cref="ClickHouseException"/> so callers see one error type.</summary>
    private static async Task<T> Translate<T>(string sql, Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (ClickHouseServerException error)
        {
            var translated = ClickHouseException.FromEngineText(error.Message, sql);
            throw translated.Code == 0 && error.ErrorCode > 0
                ? new ClickHouseException(error.ErrorCode, error.Message, sql)
                : translated;
        }
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
