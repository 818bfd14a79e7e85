using Analytics.Ingestors.Runs;
using Analytics.Storage.ClickHouse;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Analytics.Web.Cli;

/// <summary>
/// The CLI's one place for failures: an expected one (bad settings, a store another process holds, a missing engine,
/// a file that cannot be read, a busy source, Ctrl+C) becomes one line saying what to do and its exit code; anything
/// else a short line saying where the detail went. No stack trace reaches the terminal.
/// </summary>
internal static class CommandFailures
{
    public const int Failed = 1;
    public const int BadInput = 2;
    public const int SourceBusy = 3;
    public const int StoreUnavailable = 5;
    public const int Unexpected = 70;
    public const int Cancelled = 130;

    /// <param name="recordDetail">Writes the full detail of an unexpected failure somewhere and says where.</param>
    public static async Task<int> RunAsync(Func<Task<int>> command, TextWriter error, Func<Exception, string> recordDetail)
    {
        try
        {
            return await command();
        }
        catch (Exception failure)
        {
            var (line, exitCode) = Describe(failure)
                ?? ($"Unexpected error ({failure.GetType().Name}): {FirstLine(failure.Message)} The detail is in {recordDetail(failure)}.", Unexpected);
            error.WriteLine(line);
            return exitCode;
        }
    }

    /// <summary>The line and exit code of an expected failure; null for any other.</summary>
    internal static (string Line, int ExitCode)? Describe(Exception failure) => failure switch
    {
        OperationCanceledException => ("Cancelled.", Cancelled),
        SourceAlreadyRunningException busy => (busy.Message, SourceBusy),
        StoreUnavailableException store => (store.Message, StoreUnavailable),
        OptionsValidationException invalid => (InvalidSettings(invalid.Failures), BadInput),
        AggregateException all when all.InnerExceptions.All(inner => inner is OptionsValidationException) =>
            (InvalidSettings(all.InnerExceptions.SelectMany(inner => ((OptionsValidationException)inner).Failures)), BadInput),
        // A value the binder cannot convert (an unknown enum member, text for a number); its message names the key.
        InvalidOperationException { Source: "Microsoft.Extensions.Configuration.Binder" } binding => (InvalidSettings([binding.Message]), BadInput),
        // Cannot open, read-only, full, not a database: the catalog's file or folder, not the program.
        SqliteException { SqliteErrorCode: 5 or 8 or 13 or 14 or 26 } catalog => (
            $"The catalog database cannot be used: {FirstLine(catalog.Message)} Check ConnectionStrings:Catalog (default {Path.Combine(StoreOptions.DefaultDataRoot, "catalog.db")}) and that its folder is writable.",
            StoreUnavailable),
        ClickHouseException { Code: ClickHouseException.TimeoutExceeded } timeout => (FirstLine(timeout.Message), Failed),
        // Their messages name the file, folder or address (a missing file, no permission, a port in use, a full disk).
        IOException or UnauthorizedAccessException or HttpRequestException => (FirstLine(failure.Message), Failed),
        _ => null,
    };

    /// <summary>Appends the full detail to errors.log under the data folder (only this user can read it) and returns its path.</summary>
    public static string WriteDetailToFile(Exception failure)
    {
        foreach (var folder in new[] { Path.Combine(StoreOptions.DefaultDataRoot, "logs"), Path.GetTempPath() })
        {
            var path = Path.Combine(folder, "analytics-errors.log");
            try
            {
                Directory.CreateDirectory(folder);
                var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }
                using var file = new FileStream(path, options);
                using var writer = new StreamWriter(file);
                writer.WriteLine($"{DateTimeOffset.UtcNow:O} pid {Environment.ProcessId}");
                writer.WriteLine(failure.ToString());
                writer.WriteLine();
                return path;
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                // Try the next folder.
            }
        }
        return "no file (neither the data folder nor the temporary folder is writable)";
    }

    private static string InvalidSettings(IEnumerable<string> failures) => "Invalid settings: " + string.Join(" ", failures.Select(FirstLine));

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();
}
