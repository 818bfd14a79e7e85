using System.Runtime.InteropServices;

namespace Analytics.Storage.ClickHouse.Embedded;

/// <summary>
/// The process-wide embedded engine. chDB serves one storage path per process, and closing its last
/// connection shuts the engine down, so the first connection is kept open as an anchor for the
/// process's lifetime and every store opens further connections to the same path.
/// </summary>
internal static class ChDbEngine
{
    private static readonly Lock Gate = new();
    private static string? _dataPath;
    private static IntPtr _anchor;

    public static string? DataPath => _dataPath;

    /// <summary>Opens a new connection (a session of its own) to the process's engine.</summary>
    /// <param name="memory">The engine's memory limits; the first connection of the process sets the engine-wide one.</param>
    public static IntPtr Connect(string dataPath, EngineMemoryLimits? memory = null)
    {
        memory ??= EngineMemoryLimits.EngineDefaults;
        var fullPath = Path.GetFullPath(dataPath);
        lock (Gate)
        {
            if (_dataPath is null)
            {
                ChDbLibrary.EnsureLoaded();
                // Without this, chDB's signal handlers turn the first managed NullReferenceException into a hang.
                ChDbNative.SetSignalHandlersEnabled(0);
                Directory.CreateDirectory(fullPath);
                // Only before this process's first connection: its own lock would look like another's afterwards.
                StoreFolderLock.ThrowIfHeld(fullPath);
                _anchor = ConnectOrThrow(fullPath, memory);
                _dataPath = fullPath;
                // Shut the engine down while the runtime still stands: left to the library's static destructors at
                // exit, it raced its own background threads and now and then ended a finished command with SIGSEGV.
                AppDomain.CurrentDomain.ProcessExit += (_, _) => CloseAnchor();
            }
            else if (_dataPath != fullPath)
            {
                throw new InvalidOperationException(
                    $"The embedded engine is already open at '{_dataPath}'; chDB serves one storage path per process, so '{fullPath}' cannot be opened too.");
            }
            return ConnectOrThrow(fullPath, memory);
        }
    }

    private static void CloseAnchor()
    {
        lock (Gate)
        {
            Close(_anchor);
            _anchor = IntPtr.Zero;
        }
    }

    public static void Close(IntPtr connectionPointer)
    {
        if (connectionPointer != IntPtr.Zero)
        {
            ChDbNative.CloseConnection(connectionPointer);
        }
    }

    private static IntPtr ConnectOrThrow(string path, EngineMemoryLimits memory)
    {
        string[] arguments =
        [
            "analytics",
            "--path=" + path,
            // Row mapping reads JSON: numbers as numbers, timestamps as ISO 8601 in UTC.
            "--output_format_json_quote_64bit_integers=0",
            "--date_time_output_format=iso",
            .. memory.QueryArguments(),
            // Server settings follow "--". BACKUP/RESTORE to File(...) need allowed paths: a relative name resolves
            // under the first (the data folder's backups/, as a server resolves it under its own); `analytics backup`
            // writes an absolute path the user chose, which the second allows. No one else sends SQL to this
            // in-process engine, and it can write only where this process can anyway.
            "--",
            "--backups.allowed_path=" + Path.Combine(path, "backups") + "/",
            "--backups.allowed_path[1]=/",
            .. memory.ServerArguments(),
        ];
        var connectionPointer = ChDbNative.Connect(arguments.Length, arguments);
        if (connectionPointer == IntPtr.Zero || Marshal.ReadIntPtr(connectionPointer) == IntPtr.Zero)
        {
            // chDB printed its reason to standard error just before (a lock taken between the probe and here, permissions).
            throw new StoreUnavailableException($"chDB could not open the store at {path}; its reason is on the line above.");
        }
        return connectionPointer;
    }
}

/// <summary>
/// What the embedded engine may hold (Analytics:Store:EngineMemoryLimitMiB, EngineQueryMemoryLimitMiB): ClickHouse's
/// max_server_memory_usage for the whole engine (queries, merges, caches; a query that would pass it fails with
/// MEMORY_LIMIT_EXCEEDED instead of the process growing) and max_memory_usage for each query. 0 leaves ClickHouse's
/// default: 90 % of the machine's memory for the engine, no limit per query. The defaults are StoreOptions'.
/// </summary>
public sealed record EngineMemoryLimits(int EngineMiB, int QueryMiB)
{
    public static readonly EngineMemoryLimits EngineDefaults = new(0, 0);

    internal IEnumerable<string> QueryArguments() => QueryMiB > 0 ? [$"--max_memory_usage={(long)QueryMiB * 1024 * 1024}"] : [];

    internal IEnumerable<string> ServerArguments() => EngineMiB > 0 ? [$"--max_server_memory_usage={(long)EngineMiB * 1024 * 1024}"] : [];
}
