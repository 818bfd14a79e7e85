namespace Analytics.Storage.ClickHouse;

/// <summary>
/// The store cannot be opened for a reason the user can act on (another process holds it, the engine is missing or
/// unloadable, the server does not answer). The message says what happened and what to do; the CLI prints it as one
/// line, without a stack trace.
/// </summary>
public class StoreUnavailableException(string message, Exception? innerException = null) : Exception(message, innerException);

/// <summary>Another process has the embedded store open: chDB opens a storage path in one process at a time.</summary>
public sealed class StoreInUseException(string dataPath, int? holderProcessId)
    : StoreUnavailableException(
        $"The embedded store at {dataPath} is open in another process{(holderProcessId is { } pid ? $" (pid {pid})" : "")}; one process at a time can open it.")
{
    public string DataPath { get; } = dataPath;

    public int? HolderProcessId { get; } = holderProcessId;
}
