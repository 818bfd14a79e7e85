using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Storage.Catalog;

/// <summary>The catalog's SQLite database itself: its file and its schema.</summary>
public sealed class CatalogDatabase(IDbContextFactory<CatalogDbContext> contextFactory)
{
    /// <summary>Creates the database file (and its folder) if needed and applies pending migrations. Safe to call repeatedly.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        EnsureDatabaseFolderExists(db.Database.GetConnectionString());
        await db.Database.MigrateAsync(cancellationToken);
    }

    // SQLite creates a missing database file but not a missing folder, e.g. a fresh data/ directory.
    private static void EnsureDatabaseFolderExists(string? connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        var dataSource = builder.DataSource;
        if (builder.Mode == SqliteOpenMode.Memory || string.IsNullOrEmpty(dataSource) || dataSource == ":memory:")
        {
            return;
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(dataSource));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }
    }
}
