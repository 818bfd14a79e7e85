using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Storage.Catalog;

/// <summary>The catalog's SQLite database itself: its file and its schema.</summary>
public sealed class CatalogDatabase(IDbContextFactory<CatalogDbContext> contextFactory)
{
    private static readonly TimeSpan MigratingWait = TimeSpan.FromMinutes(2);

    /// <summary>Creates the database file (and its folder) if needed and applies pending migrations. Safe to call repeatedly.</summary>
    /// <remarks>
    /// EF Core's own migration lock on SQLite is a row in <c>__EFMigrationsLock</c>: a process killed while it holds
    /// it (a kill during start-up is enough) leaves the row, and every later <c>Migrate</c> waits for it forever. So
    /// migrating takes an operating-system lock first, on a file beside the database, which the kernel frees when its
    /// holder dies; whoever holds that lock knows a lock row left in the table is a dead process's and deletes it. A
    /// catalog with nothing pending is not locked at all (the common start-up), as <c>Migrate</c> would.
    /// </remarks>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var file = DatabaseFile(db.Database.GetConnectionString());
        if (file is null)
        {
            await db.Database.MigrateAsync(cancellationToken);
            return;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        if (File.Exists(file) && !(await db.Database.GetPendingMigrationsAsync(cancellationToken)).Any())
        {
            return;
        }
        await using var migrating = await TakeMigratingLockAsync(file + ".migrating", cancellationToken);
        await ClearAbandonedLockAsync(db, cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
    }

    /// <summary>The database's file, or null for an in-memory database.</summary>
    private static string? DatabaseFile(string? connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        var dataSource = builder.DataSource;
        return builder.Mode == SqliteOpenMode.Memory || string.IsNullOrEmpty(dataSource) || dataSource == ":memory:"
            ? null
            : Path.GetFullPath(dataSource);
    }

    /// <summary>
    /// An exclusive lock on <paramref name="path"/>: on Linux and macOS .NET takes <see cref="FileShare.None"/> as an
    /// advisory <c>flock</c>, which other processes' attempts see and which ends with its holder's process.
    /// </summary>
    private static async Task<FileStream> TakeMigratingLockAsync(string path, CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (TimeProvider.System.GetElapsedTime(started) < MigratingWait)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            }
            catch (IOException)
            {
                throw new InvalidOperationException(
                    $"Another process has been migrating the catalog at {Path.GetDirectoryName(path)} for over {MigratingWait.TotalMinutes:0} minutes (it holds {path}). Stop it, or wait for it, and try again.");
            }
        }
    }

    /// <summary>Deletes EF Core's lock row; called only under the migrating lock, when any such row is a dead process's.</summary>
    private static async Task ClearAbandonedLockAsync(CatalogDbContext db, CancellationToken cancellationToken)
    {
        var lockTables = await db.Database
            .SqlQueryRaw<long>("SELECT count(*) AS \"Value\" FROM sqlite_master WHERE type = 'table' AND name = '__EFMigrationsLock'")
            .SingleAsync(cancellationToken);
        if (lockTables > 0)
        {
            await db.Database.ExecuteSqlRawAsync("DELETE FROM \"__EFMigrationsLock\"", cancellationToken);
        }
    }
}
