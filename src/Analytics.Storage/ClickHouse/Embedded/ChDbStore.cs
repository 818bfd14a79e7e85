using System.Runtime.InteropServices;
using System.Text;

namespace Analytics.Storage.ClickHouse.Embedded;

/// <summary>
/// <see cref="IClickHouseStore"/> over the embedded chDB engine. One connection per store; a connection
/// runs one statement at a time, so calls are serialised. Native calls run off the caller's thread.
/// </summary>
public sealed class ChDbStore : IClickHouseStore
{
    private const int InsertChunkBytes = 4 * 1024 * 1024;
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
    public static async Task<ChDbStore> OpenAsync(string dataPath, string database, CancellationToken cancellationToken = default)
    {
        var connectionPointer = await Task.Run(() => ChDbEngine.Connect(dataPath), cancellationToken).ConfigureAwait(false);
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
        await RunAsync(sql, "TabSeparated", parameters, static _ => 0, cancellationToken).ConfigureAwait(false);

    public Task<IReadOnlyList<TRow>> QueryAsync<TRow>(string sql, QueryParameters? parameters = null, CancellationToken cancellationToken = default) =>
        RunAsync(sql, "JSONEachRow", parameters, static output => RowMapper.FromJsonLines<TRow>(output), cancellationToken);

    public async Task<long> InsertAsync(string table, IReadOnlyList<string> columns, IEnumerable<object?[]> rows, CancellationToken cancellationToken = default)
    {
        var statement = $"INSERT INTO {ClickHouseText.QuoteIdentifier(table)} ({string.Join(", ", columns.Select(ClickHouseText.QuoteIdentifier))})";
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(() => StreamInsert(statement, columns.Count, rows, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    // Inline INSERT data is silently truncated at max_query_size, so rows always go through the insert stream.
    private unsafe long StreamInsert(string statement, int columnCount, IEnumerable<object?[]> rows, CancellationToken cancellationToken)
    {
        var connection = Connection;
        var statementBytes = Encoding.UTF8.GetBytes(statement);
        var formatBytes = "TabSeparated"u8.ToArray();
        IntPtr stream;
        fixed (byte* query = statementBytes)
        fixed (byte* format = formatBytes)
        {
            stream = ChDbNative.StreamInsert(connection, query, (nuint)statementBytes.Length, format, (nuint)formatBytes.Length);
        }
        try
        {
            ThrowIfStreamFailed(stream, statement);
            var text = new StringBuilder(InsertChunkBytes + 4096);
            long rowCount = 0;
            foreach (var row in rows)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (row.Length != columnCount)
                {
                    throw new ArgumentException($"Row {rowCount + 1} for {statement} has {row.Length} values; {columnCount} columns were named.");
                }
                for (var i = 0; i < row.Length; i++)
                {
                    if (i > 0)
                    {
                        text.Append('\t');
                    }
                    ClickHouseText.AppendTsvValue(text, row[i]);
                }
                text.Append('\n');
                rowCount++;
                if (text.Length >= InsertChunkBytes)
                {
                    Append(stream, text, statement);
                }
            }
            if (text.Length > 0)
            {
                Append(stream, text, statement);
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
            return rowCount;
        }
        finally
        {
            ChDbNative.DestroyInsertStream(stream);
        }
    }

    private static unsafe void Append(IntPtr stream, StringBuilder text, string statement)
    {
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        text.Clear();
        fixed (byte* data = bytes)
        {
            if (ChDbNative.StreamAppend(stream, data, (nuint)bytes.Length) != 0)
            {
                ThrowIfStreamFailed(stream, statement);
                throw new ClickHouseException(0, "The insert stream refused data without giving a reason.", statement);
            }
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

    private async Task<T> RunAsync<T>(string sql, string format, QueryParameters? parameters, ResultReader<T> read, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(() => Run(sql, format, parameters, read), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private delegate T ResultReader<out T>(ReadOnlySpan<byte> output);

    private unsafe T Run<T>(string sql, string format, QueryParameters? parameters, ResultReader<T> read)
    {
        var connection = Connection;
        var sqlBytes = Encoding.UTF8.GetBytes(sql);
        var formatBytes = Encoding.UTF8.GetBytes(format);
        IntPtr result;
        fixed (byte* query = sqlBytes)
        fixed (byte* formatPointer = formatBytes)
        {
            result = parameters is { Count: > 0 }
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

    private static unsafe IntPtr QueryWithParameters(IntPtr connection, byte* query, int queryLength, byte* format, int formatLength, QueryParameters parameters)
    {
        var count = parameters.Count;
        var buffers = new List<GCHandle>(count * 2);
        var names = new IntPtr[count];
        var nameLengths = new nuint[count];
        var values = new IntPtr[count];
        var valueLengths = new nuint[count];
        try
        {
            var i = 0;
            foreach (var (name, value) in parameters)
            {
                (names[i], nameLengths[i]) = Pin(Encoding.UTF8.GetBytes(name), buffers);
                (values[i], valueLengths[i]) = Pin(Encoding.UTF8.GetBytes(ClickHouseText.FormatParameter(value)), buffers);
                i++;
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
