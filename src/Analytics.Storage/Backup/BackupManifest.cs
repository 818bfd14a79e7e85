using System.Text.Json;

namespace Analytics.Storage.Backup;

/// <summary>
/// What one <c>analytics backup</c> saved, as <c>manifest.json</c> in the backup folder next to the catalog copy
/// (<c>catalog.db</c>) and, with the embedded engine, the ClickHouse backup (<c>clickhouse/</c>). Written last:
/// a folder without it holds no finished backup.
/// </summary>
public sealed record BackupManifest
{
    public const string FileName = "manifest.json";

    public const string CatalogFileName = "catalog.db";

    /// <summary>The embedded engine's part, relative to the backup folder (so a moved folder still restores).</summary>
    public const string EmbeddedClickHouseFolder = "clickhouse";

    public const int CurrentFormat = 1;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public int Format { get; init; } = CurrentFormat;

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>"embedded" or "server": who wrote the ClickHouse part, and so where it is.</summary>
    public required string Transport { get; init; }

    /// <summary>The ClickHouse database that was saved.</summary>
    public required string Database { get; init; }

    /// <summary>
    /// The ClickHouse part as the engine's <c>File(…)</c> backup engine names it: <see cref="EmbeddedClickHouseFolder"/>
    /// (in the backup folder) for the embedded engine; for a server, a name under the server's own
    /// <c>backups.allowed_path</c>, on the server's file system.
    /// </summary>
    public required string ClickHouseBackup { get; init; }

    /// <summary>The newest ClickHouse migration applied to the saved store (sql/clickhouse/migrations).</summary>
    public required int SchemaVersion { get; init; }

    /// <summary>The newest EF Core migration applied to the saved catalog.</summary>
    public required string CatalogMigration { get; init; }

    /// <summary>Rows per ClickHouse table, counted in the backup itself.</summary>
    public required IReadOnlyDictionary<string, ulong> RowsPerTable { get; init; }

    /// <summary>Where the engine finds the ClickHouse part of the backup in <paramref name="folder"/>.</summary>
    public string ClickHouseLocation(string folder) =>
        Transport == "embedded" ? Path.Combine(folder, ClickHouseBackup) : ClickHouseBackup;

    public async Task WriteAsync(string folder, CancellationToken cancellationToken)
    {
        var path = Path.Combine(folder, FileName);
        await File.WriteAllTextAsync(path + ".partial", JsonSerializer.Serialize(this, Json), cancellationToken);
        File.Move(path + ".partial", path, overwrite: true);
    }

    /// <exception cref="BackupRefusedException">No manifest in <paramref name="folder"/>, or not one this version reads.</exception>
    public static async Task<BackupManifest> ReadAsync(string folder, CancellationToken cancellationToken)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            throw new BackupRefusedException($"{path} does not exist: {folder} holds no finished backup.");
        }
        BackupManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<BackupManifest>(await File.ReadAllTextAsync(path, cancellationToken), Json);
        }
        catch (JsonException error)
        {
            throw new BackupRefusedException($"{path} is not a backup manifest: {error.Message}");
        }
        if (manifest is null || manifest.Format != CurrentFormat)
        {
            throw new BackupRefusedException($"{path} has format {manifest?.Format}; this version reads format {CurrentFormat}.");
        }
        return manifest;
    }
}

/// <summary>A backup or restore that cannot go ahead, for a reason the user can act on (one line, no stack trace).</summary>
public sealed class BackupRefusedException(string message) : Exception(message);
