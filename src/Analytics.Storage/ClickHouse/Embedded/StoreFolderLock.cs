using System.Globalization;

namespace Analytics.Storage.ClickHouse.Embedded;

/// <summary>
/// Tells whether another process has an embedded store open, before chDB tries and fails with an error of its own
/// printed to standard error. chDB, like ClickHouse, holds an exclusive <c>flock</c> on <c>status</c> in its storage
/// path for as long as it has the path open; on Linux .NET's <see cref="FileShare.None"/>
/// takes the same kind of lock, so trying it and letting go at once answers the question.
/// </summary>
internal static class StoreFolderLock
{
    /// <exception cref="StoreInUseException">Another process holds the path.</exception>
    public static void ThrowIfHeld(string dataPath)
    {
        var status = Path.Combine(dataPath, "status");
        try
        {
            using var probe = new FileStream(status, FileMode.Open, FileAccess.Read, FileShare.None);
        }
        catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            // No status file: never opened, or left by no one. Unreadable: chDB reports it itself.
        }
        catch (IOException)
        {
            throw new StoreInUseException(dataPath, HolderProcessId(status));
        }
    }

    /// <summary>
    /// The process that has <paramref name="status"/> open, found among this user's processes (Linux), or null. Its
    /// "PID:" line cannot be read instead: any read takes a shared lock, which the holder's exclusive one refuses.
    /// </summary>
    private static int? HolderProcessId(string status)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }
        foreach (var process in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(process), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }
            try
            {
                if (Directory.EnumerateFileSystemEntries(Path.Combine(process, "fd")).Any(descriptor => new FileInfo(descriptor).LinkTarget == status))
                {
                    return pid;
                }
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                // Another user's process, or one that has just ended.
            }
        }
        return null;
    }
}
