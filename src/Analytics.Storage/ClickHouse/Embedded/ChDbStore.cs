using System.Runtime.InteropServices;
using System.Text;

namespace Analytics.Storage.ClickHouse.Embedded;

/// <summary>
/// <see cref="IClickHouseStore"/> over the embedded chDB engine. One connection per store; a connection
/// runs one statement at a time, so calls are serialised. Native calls run off the caller's thread.
/// </summary>
public sealed class ChDbStore : IClickHouseStore
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IntPtr _connectionPointer;

    private ChDbStore(IntPtr connectionPointer, string database)
    {
        _connectionPointer = connectionPointer;
        Database = database;
    }

    public string Database { get; }

    public string Transport => "embedded";

    /// <summary>Connects to the engine at <paramref name="dataPath"/>, creates <paramref name="database"/> if needed and makes it current.</summary>
    /// <param name="memory">The engine's memory limits (<see cref="EngineMemoryLimits"/>); null: ClickHouse's defaults.</param>
    public static async Task<ChDbStore> OpenAsync(string dataPath, string database, CancellationToken cancellationToken = default, EngineMemoryLimits? memory = null)
    {
        var connectionPointer = await Task.Run(() => ChDbEngine.Connect(dataPath, memory), cancellationToken).ConfigureAwait(false);
        var store = new ChDbStore(connectionPointer, database);
        try
        {
            await store.ExecuteAsync($"CREATE DATABASE IF NOT EXISTS {ClickHouseText.QuoteIdentifier(database)}", cancellationToken: cancellationToken).ConfigureAwait(false);
            await store.ExecuteAsync($"USE {ClickHouseText.QuoteIdentifier(database)}", cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return store;
    }

    public async Task ExecuteAsync(string sql, QueryParameters? parameters = null, CancellationToken cancellationToken = default) =>
        await RunAsync(sql, "TabSeparated", AsText(parameters), static _ => 0, cancellationToken).ConfigureAwait(false);

    public Task<IReadOnlyList<TRow>> QueryAsync<TRow>(string sql, QueryParameters? parameters = null, CancellationToken cancellationToken = default) =>
        RunAsync(sql, "JSONEachRow", AsText(parameters), static output => RowMapper.FromJsonLines<TRow>(output), cancellationToken, QueryTimeout.Current);

    /// <summary>Runs a statement with parameters already in ClickHouse's text form and returns the raw output in <paramref name="format"/>.</summary>
    internal Task<byte[]> QueryRawAsync(
        string sql, string format, IReadOnlyList<(string Name, string Text)> parameters, CancellationToken cancellationToken = default, TimeSpan? timeout = null) =>
        RunAsync(sql, format, parameters, static output => output.ToArray(), cancellationToken, timeout);

    /// <summary>Streams already-encoded <paramref name="data"/> in <paramref name="format"/> into an INSERT statement (without FORMAT clause).</summary>
    internal async Task InsertRawAsync(string statement, string format, byte[] data, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await Task.Run(() => StreamInsert(statement, format, [data.AsMemory()]), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static IReadOnlyList<(string Name, string Text)> AsText(QueryParameters? parameters) =>
        parameters is null ? [] : parameters.Select(pair => (pair.Key, ClickHouseText.FormatParameter(pair.Value))).ToList();

    public async Task<long> InsertAsync(string table, IReadOnlyList<string> columns, IEnumerable<object?[]> rows, CancellationToken cancellationToken = default)
    {
        var statement = TsvRowWriter.InsertStatement(table, columns);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(() =>
            {
                var rowCount = new StrongBox<long>(0);
                StreamInsert(statement, "TabSeparated", TsvRowWriter.Chunks(rows, columns.Count, rowCount, cancellationToken));
                return rowCount.Value;
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    // Inline INSERT data is silently truncated at max_query_size, so rows always go through the insert stream.
    private unsafe void StreamInsert(string statement, string formatName, IEnumerable<ReadOnlyMemory<byte>> chunks)
    {
        var statementBytes = Encoding.UTF8.GetBytes(statement);
        var formatBytes = Encoding.UTF8.GetBytes(formatName);
        IntPtr stream;
        fixed (byte* query = statementBytes)
        fixed (byte* format = formatBytes)
        {
            stream = ChDbNative.StreamInsert(Connection, query, (nuint)statementBytes.Length, format, (nuint)formatBytes.Length);
        }
        try
        {
            ThrowIfStreamFailed(stream, statement);
            foreach (var chunk in chunks)
            {
                fixed (byte* data = chunk.Span)
                {
                    if (ChDbNative.StreamAppend(stream, data, (nuint)chunk.Length) != 0)
                    {
                        ThrowIfStreamFailed(stream, statement);
                        throw new ClickHouseException(0, "The insert stream refused data without giving a reason.", statement);
                    }
                }
            }
            var result = ChDbNative.StreamDone(stream);
            try
            {
                ThrowIfFailed(result, statement);
            }
            finally
            {
                ChDbNative.DestroyQueryResult(result);
            }
        }
        finally
        {
            ChDbNative.DestroyInsertStream(stream);
        }
    }

    private static void ThrowIfStreamFailed(IntPtr stream, string statement)
    {
        var error = ChDbNative.StreamInsertError(stream);
        if (error != IntPtr.Zero)
        {
            throw ClickHouseException.FromEngineText(Marshal.PtrToStringUTF8(error) ?? "unknown error", statement);
        }
    }

    private async Task<T> RunAsync<T>(
        string sql, string format, IReadOnlyList<(string Name, string Text)> parameters, ResultReader<T> read, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(() => timeout is { } limit ? RunWithin(limit, sql, format, parameters, read) : Run(sql, format, parameters, read), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private delegate T ResultReader<out T>(ReadOnlySpan<byte> output);

    /// <summary>
    /// Runs one statement under <c>max_execution_time</c>: the setting is the connection's (one statement at a time,
    /// under the gate), so it is set for this statement and put back to none after it.
    /// </summary>
    private T RunWithin<T>(TimeSpan timeout, string sql, string format, IReadOnlyList<(string Name, string Text)> parameters, ResultReader<T> read)
    {
        Run($"SET max_execution_time = {QueryTimeout.Seconds(timeout)}", "TabSeparated", [], static _ => 0);
        try
        {
            return Run(sql, format, parameters, read);
        }
        finally
        {
            Run("SET max_execution_time = 0", "TabSeparated", [], static _ => 0);
        }
    }

    private unsafe T Run<T>(string sql, string format, IReadOnlyList<(string Name, string Text)> parameters, ResultReader<T> read)
    {
        var connection = Connection;
        var sqlBytes = Encoding.UTF8.GetBytes(sql);
        var formatBytes = Encoding.UTF8.GetBytes(format);
        IntPtr result;
        fixed (byte* query = sqlBytes)
        fixed (byte* formatPointer = formatBytes)
        {
            result = parameters.Count > 0
                ? QueryWithParameters(connection, query, sqlBytes.Length, formatPointer, formatBytes.Length, parameters)
                : ChDbNative.Query(connection, query, (nuint)sqlBytes.Length, formatPointer, (nuint)formatBytes.Length);
        }
        try
        {
            ThrowIfFailed(result, sql);
            var length = (int)ChDbNative.ResultLength(result);
            var buffer = ChDbNative.ResultBuffer(result);
            var output = buffer == IntPtr.Zero || length == 0 ? ReadOnlySpan<byte>.Empty : new ReadOnlySpan<byte>((void*)buffer, length);
            return read(output);
        }
        finally
        {
            ChDbNative.DestroyQueryResult(result);
        }
    }

    private static unsafe IntPtr QueryWithParameters(IntPtr connection, byte* query, int queryLength, byte* format, int formatLength, IReadOnlyList<(string Name, string Text)> parameters)
    {
        var count = parameters.Count;
        var buffers = new List<GCHandle>(count * 2);
        var names = new IntPtr[count];
        var nameLengths = new nuint[count];
        var values = new IntPtr[count];
        var valueLengths = new nuint[count];
        try
        {
            for (var i = 0; i < count; i++)
            {
                (names[i], nameLengths[i]) = Pin(Encoding.UTF8.GetBytes(parameters[i].Name), buffers);
                (values[i], valueLengths[i]) = Pin(Encoding.UTF8.GetBytes(parameters[i].Text), buffers);
            }
            fixed (IntPtr* namePointers = names)
            fixed (nuint* nameLengthPointers = nameLengths)
            fixed (IntPtr* valuePointers = values)
            fixed (nuint* valueLengthPointers = valueLengths)
            {
                return ChDbNative.QueryWithParameters(connection, query, (nuint)queryLength, format, (nuint)formatLength,
                    namePointers, nameLengthPointers, valuePointers, valueLengthPointers, (nuint)count);
            }
        }
        finally
        {
            foreach (var handle in buffers)
            {
                handle.Free();
            }
        }
    }

    private static (IntPtr Pointer, nuint Length) Pin(byte[] bytes, List<GCHandle> handles)
    {
        // An empty array still needs a valid address; the length says it is empty.
        var buffer = bytes.Length == 0 ? new byte[1] : bytes;
        var handle = GCHandle.Alloc(buffer, GCHandleType.Pinned);
        handles.Add(handle);
        return (handle.AddrOfPinnedObject(), (nuint)bytes.Length);
    }

    private static void ThrowIfFailed(IntPtr result, string sql)
    {
        if (result == IntPtr.Zero)
        {
            throw new ClickHouseException(0, "chDB returned no result.", sql);
        }
        var error = ChDbNative.ResultError(result);
        if (error != IntPtr.Zero)
        {
            throw ClickHouseException.FromEngineText(Marshal.PtrToStringUTF8(error) ?? "unknown error", sql);
        }
    }

    private IntPtr Connection
    {
        get
        {
            ObjectDisposedException.ThrowIf(_connectionPointer == IntPtr.Zero, this);
            return Marshal.ReadIntPtr(_connectionPointer);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            ChDbEngine.Close(_connectionPointer);
            _connectionPointer = IntPtr.Zero;
        }
        finally
        {
            _gate.Release();
        }
    }
}
