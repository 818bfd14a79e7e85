using Analytics.Storage.Catalog;
using Analytics.Storage.ClickHouse;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Storage.Backup;

/// <summary>
/// <c>analytics backup</c> and <c>analytics restore</c>: the SQLite catalog (SQLite's online backup API) and the
/// ClickHouse database (ClickHouse's own <c>BACKUP</c>/<c>RESTORE</c> to <c>File(…)</c>) together, with a
/// <see cref="BackupManifest"/>.
/// </summary>
/// <remarks>
/// The catalog is copied first: events written between the two copies are then newer than the saved cursors, and the
/// next ingest reads them again (the event tables keep one row per key), where the other order could save cursors
/// past events the backup lacks. Restore checks everything it can before touching live data: the manifest, the
/// versions, the rows per table and the cursors (<see cref="CursorCheck"/>), read from the backup mounted read-only.
/// </remarks>
public sealed class StoreBackup(IClickHouseStore store, IDbContextFactory<CatalogDbContext> catalog, SqlFiles sqlFiles, TimeProvider timeProvider)
{
    /// <summary>Saves both stores into <paramref name="folder"/> (created; it must be new or empty).</summary>
    public async Task<BackupManifest> BackupAsync(string folder, CancellationToken cancellationToken)
    {
        folder = Path.GetFullPath(folder);
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
        {
            throw new BackupRefusedException($"{folder} is not empty: a backup goes into a new or empty folder.");
        }
        if (!await ExistsAsync("schema_migrations", cancellationToken))
        {
            throw new BackupRefusedException($"ClickHouse database '{store.Database}' has no schema yet: nothing to back up (run `analytics migrate` first).");
        }
        Directory.CreateDirectory(folder);
        var catalogMigration = await CopyCatalogAsync(Path.Combine(folder, BackupManifest.CatalogFileName), cancellationToken);

        var createdAt = timeProvider.GetUtcNow();
        var location = store.Transport == "embedded"
            ? BackupManifest.EmbeddedClickHouseFolder
            : $"{store.Database}-{createdAt:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..8]}";
        var manifest = new BackupManifest
        {
            CreatedAt = createdAt, Transport = store.Transport, Database = store.Database, ClickHouseBackup = location,
            CatalogMigration = catalogMigration, SchemaVersion = 0, RowsPerTable = new Dictionary<string, ulong>(),
        };
        var target = manifest.ClickHouseLocation(folder);
        await store.ExecuteAsync(
            $"BACKUP DATABASE {Quoted}{await ExceptTransientTablesAsync(cancellationToken)} TO File({ClickHouseText.QuoteLiteral(target)})",
            cancellationToken: cancellationToken);
        await using (var mount = await BackupMount.OpenAsync(store, target, cancellationToken))
        {
            manifest = manifest with
            {
                SchemaVersion = await mount.SchemaVersionAsync(cancellationToken),
                RowsPerTable = await mount.RowsPerTableAsync(cancellationToken),
            };
        }
        await manifest.WriteAsync(folder, cancellationToken);
        return manifest;
    }

    /// <summary>Replaces both stores with the backup in <paramref name="folder"/>, or refuses and changes nothing.</summary>
    /// <exception cref="BackupRefusedException">The backup is unusable or does not fit this version, or its cursors are ahead of its events.</exception>
    public async Task<BackupManifest> RestoreAsync(string folder, CancellationToken cancellationToken)
    {
        folder = Path.GetFullPath(folder);
        var manifest = await BackupManifest.ReadAsync(folder, cancellationToken);
        var catalogCopy = Path.Combine(folder, BackupManifest.CatalogFileName);
        await CheckFitsAsync(manifest, catalogCopy, cancellationToken);
        var location = manifest.ClickHouseLocation(folder);
        await using (var mount = await BackupMount.OpenAsync(store, location, cancellationToken))
        {
            var rows = await mount.RowsPerTableAsync(cancellationToken);
            if (!rows.OrderBy(pair => pair.Key).SequenceEqual(manifest.RowsPerTable.OrderBy(pair => pair.Key)))
            {
                throw new BackupRefusedException($"The ClickHouse part of {folder} does not hold the rows its manifest lists: it is damaged or from another backup.");
            }
            await CursorCheck.EnsureNotAheadAsync(catalogCopy, mount, cancellationToken);
        }

        // The live database is moved aside, not dropped, until the restore has succeeded: a failure puts it back.
        var aside = $"{store.Database}__before_restore";
        if (await DatabaseExistsAsync(aside, cancellationToken))
        {
            throw new BackupRefusedException(
                $"A restore was interrupted: ClickHouse database '{aside}' still holds the data from before it. Rename it back to '{store.Database}' or drop it, then restore again.");
        }
        var hadLive = await DatabaseExistsAsync(store.Database, cancellationToken);
        if (hadLive)
        {
            await store.ExecuteAsync($"RENAME DATABASE {Quoted} TO {ClickHouseText.QuoteIdentifier(aside)}", cancellationToken: cancellationToken);
        }
        try
        {
            await store.ExecuteAsync($"RESTORE DATABASE {Quoted} FROM File({ClickHouseText.QuoteLiteral(location)})", cancellationToken: cancellationToken);
            await RestoreCatalogAsync(catalogCopy, cancellationToken);
        }
        catch when (hadLive)
        {
            await store.ExecuteAsync($"DROP DATABASE IF EXISTS {Quoted} SYNC", cancellationToken: CancellationToken.None);
            await store.ExecuteAsync($"RENAME DATABASE {ClickHouseText.QuoteIdentifier(aside)} TO {Quoted}", cancellationToken: CancellationToken.None);
            throw;
        }
        await store.ExecuteAsync($"DROP DATABASE IF EXISTS {ClickHouseText.QuoteIdentifier(aside)} SYNC", cancellationToken: CancellationToken.None);
        return manifest;
    }

    private string Quoted => ClickHouseText.QuoteIdentifier(store.Database);

    private async Task CheckFitsAsync(BackupManifest manifest, string catalogCopy, CancellationToken cancellationToken)
    {
        if (manifest.Transport != store.Transport)
        {
            throw new BackupRefusedException(
                $"This backup's ClickHouse part was written by the {manifest.Transport} engine; this store uses the {store.Transport} one. Restore it with the same transport.");
        }
        if (!File.Exists(catalogCopy))
        {
            throw new BackupRefusedException($"{catalogCopy} does not exist: the backup has no catalog.");
        }
        var newestKnown = sqlFiles.Migrations().Max(migration => migration.Version);
        if (manifest.SchemaVersion > newestKnown)
        {
            throw new BackupRefusedException(
                $"The backup's store is at schema migration {manifest.SchemaVersion}; this version knows up to {newestKnown}. Restore it with the version that made it or a newer one.");
        }
        await using var db = await catalog.CreateDbContextAsync(cancellationToken);
        if (!db.Database.GetMigrations().Contains(manifest.CatalogMigration))
        {
            throw new BackupRefusedException(
                $"The backup's catalog is at migration {manifest.CatalogMigration}, which this version does not know. Restore it with the version that made it or a newer one.");
        }
    }

    /// <summary>Copies the live catalog into <paramref name="target"/> with SQLite's online backup API; returns its newest migration.</summary>
    private async Task<string> CopyCatalogAsync(string target, CancellationToken cancellationToken)
    {
        await using var db = await catalog.CreateDbContextAsync(cancellationToken);
        var newest = (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).LastOrDefault()
            ?? throw new BackupRefusedException("The catalog has no schema yet: nothing to back up (run `analytics migrate` first).");
        await using var live = new SqliteConnection(db.Database.GetConnectionString());
        await using var copy = new SqliteConnection($"Data Source={target};Pooling=False");
        await live.OpenAsync(cancellationToken);
        await copy.OpenAsync(cancellationToken);
        live.BackupDatabase(copy);
        return newest;
    }

    /// <summary>Overwrites the live catalog with <paramref name="source"/> (SQLite's online backup API, in one step).</summary>
    private async Task RestoreCatalogAsync(string source, CancellationToken cancellationToken)
    {
        await using var db = await catalog.CreateDbContextAsync(cancellationToken);
        await using var saved = new SqliteConnection($"Data Source={source};Mode=ReadOnly;Pooling=False");
        await using var live = new SqliteConnection(db.Database.GetConnectionString());
        await saved.OpenAsync(cancellationToken);
        await live.OpenAsync(cancellationToken);
        saved.BackupDatabase(live);
        SqliteConnection.ClearPool(live);
    }

    /// <summary>
    /// " EXCEPT TABLES …" for what is no state of its own: held locks (<c>lock__*</c>), a run's staged rows
    /// (<c>*__run_*</c>, invisible until published) and a refresh's staging (<c>*__next_*</c>).
    /// </summary>
    private async Task<string> ExceptTransientTablesAsync(CancellationToken cancellationToken)
    {
        var transient = await store.QueryAsync<NameRow>(
            """
            SELECT name FROM system.tables
            WHERE database = {database:String} AND (startsWith(name, 'lock__') OR position(name, '__run_') > 0 OR position(name, '__next_') > 0)
            ORDER BY name
            """,
            QueryParameters.From(("database", store.Database)), cancellationToken);
        return transient.Count == 0 ? "" : " EXCEPT TABLES " + string.Join(", ", transient.Select(row => $"{Quoted}.{ClickHouseText.QuoteIdentifier(row.Name)}"));
    }

    private async Task<bool> ExistsAsync(string table, CancellationToken cancellationToken) =>
        (await store.QueryAsync<CountRow>(
            "SELECT count() AS rows FROM system.tables WHERE database = {database:String} AND name = {table:String}",
            QueryParameters.From(("database", store.Database), ("table", table)), cancellationToken)).Single().Rows > 0;

    private async Task<bool> DatabaseExistsAsync(string database, CancellationToken cancellationToken) =>
        (await store.QueryAsync<CountRow>(
            "SELECT count() AS rows FROM system.databases WHERE name = {database:String}",
            QueryParameters.From(("database", database)), cancellationToken)).Single().Rows > 0;

    private sealed record NameRow(string Name);

    private sealed record CountRow(ulong Rows);
}
