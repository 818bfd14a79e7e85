using System.CommandLine;
using System.Globalization;
using Analytics.Storage;
using Analytics.Storage.Backup;
using Spectre.Console;

namespace Analytics.Web.Cli;

/// <summary><c>analytics backup &lt;folder&gt;</c> and <c>analytics restore &lt;folder&gt;</c>: the catalog and the ClickHouse store together.</summary>
internal static class BackupCommands
{
    /// <summary>The exit code of a backup or restore that was refused (nothing was changed).</summary>
    public const int RefusedExitCode = 5;

    public static Command Backup()
    {
        var folder = new Argument<string>("folder") { Description = "A new or empty folder for manifest.json, catalog.db and (embedded engine) clickhouse/." };
        var command = new Command("backup", "Save the catalog and the ClickHouse store together, with a manifest (schema versions, rows per table, time).") { folder };
        command.SetAction((result, cancellationToken) => RunAsync(async (services, token) =>
        {
            var manifest = await services.GetRequiredService<StoreBackup>().BackupAsync(CommandContext.FullPath(result.GetValue(folder)!), token);
            AnsiConsole.MarkupLineInterpolated($"[green]Backed up[/] {Describe(manifest)} into {CommandContext.FullPath(result.GetValue(folder)!)}");
            if (manifest.Transport != "embedded")
            {
                AnsiConsole.MarkupLineInterpolated($"The ClickHouse part is on the server, as File('{manifest.ClickHouseBackup}') under its backups.allowed_path: copy it along with this folder.");
            }
            return 0;
        }, cancellationToken));
        return command;
    }

    public static Command Restore()
    {
        var folder = new Argument<string>("folder") { Description = "A folder written by `analytics backup`." };
        var command = new Command("restore", "Replace the catalog and the ClickHouse store with a backup (stop the app first); refuses, changing nothing, a backup that does not fit.") { folder };
        command.SetAction((result, cancellationToken) => RunAsync(async (services, token) =>
        {
            var manifest = await services.GetRequiredService<StoreBackup>().RestoreAsync(CommandContext.FullPath(result.GetValue(folder)!), token);
            // A backup made by an older version: bring both stores to this version's schema and refresh the mirror.
            await services.GetRequiredService<StoreStartup>().RunAsync(token);
            AnsiConsole.MarkupLineInterpolated($"[green]Restored[/] {Describe(manifest)}");
            return 0;
        }, cancellationToken, handOver: false));
        return command;
    }

    private static string Describe(BackupManifest manifest) =>
        $"database '{manifest.Database}' ({manifest.RowsPerTable.Values.Aggregate(0UL, (sum, rows) => sum + rows).ToString("N0", CultureInfo.InvariantCulture)} rows in "
        + $"{manifest.RowsPerTable.Count} tables, schema {manifest.SchemaVersion}, catalog {manifest.CatalogMigration}) as of {manifest.CreatedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC";

    // A restore replaces the store under whoever has it open, so it is never handed to a running app: with the app
    // serving it says in one line that the store is in use. A backup is handed over and reads the app's open store.
    private static Task<int> RunAsync(Func<IServiceProvider, CancellationToken, Task<int>> action, CancellationToken cancellationToken, bool handOver = true) =>
        AnalyticsCommandLine.WithServicesAsync(async (services, token) =>
        {
            try
            {
                return await action(services, token);
            }
            catch (BackupRefusedException refused)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]{refused.Message}[/]");
                return RefusedExitCode;
            }
        }, cancellationToken, handOver);
}
