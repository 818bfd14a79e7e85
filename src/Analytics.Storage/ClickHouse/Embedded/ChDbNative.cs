using System.Runtime.InteropServices;

namespace Analytics.Storage.ClickHouse.Embedded;

/// <summary>
/// P/Invoke declarations for chDB's C API (chdb.h, 26.7). Handles are opaque pointers:
/// <c>chdb_connect</c> returns a pointer to a connection handle; queries take the handle itself.
/// </summary>
internal static partial class ChDbNative
{
    public const string LibraryName = "chdb";

    [LibraryImport(LibraryName, EntryPoint = "chdb_set_signal_handlers_enabled")]
    public static partial void SetSignalHandlersEnabled(int enabled);

    [LibraryImport(LibraryName, EntryPoint = "chdb_connect")]
    public static partial IntPtr Connect(int argc, [MarshalAs(UnmanagedType.LPArray, ArraySubType = UnmanagedType.LPStr)] string[] argv);

    [LibraryImport(LibraryName, EntryPoint = "chdb_close_conn")]
    public static partial void CloseConnection(IntPtr connectionPointer);

    [LibraryImport(LibraryName, EntryPoint = "chdb_query_n")]
    public static unsafe partial IntPtr Query(IntPtr connection, byte* query, nuint queryLength, byte* format, nuint formatLength);

    [LibraryImport(LibraryName, EntryPoint = "chdb_query_with_params_n")]
    public static unsafe partial IntPtr QueryWithParameters(
        IntPtr connection,
        byte* query, nuint queryLength,
        byte* format, nuint formatLength,
        IntPtr* names, nuint* nameLengths,
        IntPtr* values, nuint* valueLengths,
        nuint count);

    [LibraryImport(LibraryName, EntryPoint = "chdb_stream_insert_n")]
    public static unsafe partial IntPtr StreamInsert(IntPtr connection, byte* query, nuint queryLength, byte* format, nuint formatLength);

    [LibraryImport(LibraryName, EntryPoint = "chdb_stream_append")]
    public static unsafe partial int StreamAppend(IntPtr stream, byte* data, nuint length);

    [LibraryImport(LibraryName, EntryPoint = "chdb_stream_done")]
    public static partial IntPtr StreamDone(IntPtr stream);

    [LibraryImport(LibraryName, EntryPoint = "chdb_stream_insert_error")]
    public static partial IntPtr StreamInsertError(IntPtr stream);

    [LibraryImport(LibraryName, EntryPoint = "chdb_destroy_insert_stream")]
    public static partial void DestroyInsertStream(IntPtr stream);

    [LibraryImport(LibraryName, EntryPoint = "chdb_result_buffer")]
    public static partial IntPtr ResultBuffer(IntPtr result);

    [LibraryImport(LibraryName, EntryPoint = "chdb_result_length")]
    public static partial nuint ResultLength(IntPtr result);

    [LibraryImport(LibraryName, EntryPoint = "chdb_result_error")]
    public static partial IntPtr ResultError(IntPtr result);

    [LibraryImport(LibraryName, EntryPoint = "chdb_result_rows_written")]
    public static partial ulong ResultRowsWritten(IntPtr result);

    [LibraryImport(LibraryName, EntryPoint = "chdb_destroy_query_result")]
    public static partial void DestroyQueryResult(IntPtr result);

    [LibraryImport(LibraryName, EntryPoint = "chdb_version")]
    public static partial IntPtr Version();
}
