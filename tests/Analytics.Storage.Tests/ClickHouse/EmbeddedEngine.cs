using Analytics.Storage.ClickHouse.Embedded;

namespace Analytics.Storage.Tests.ClickHouse;

/// <summary>
/// The one embedded engine of this test process (chDB serves one storage path per process).
/// Each test gets a database of its own inside it.
/// </summary>
public static class EmbeddedEngine
{
    public static readonly string DataPath = Path.Combine(Path.GetTempPath(), $"analytics-tests-{Environment.ProcessId}");

    public static Task<ChDbStore> NewDatabaseAsync(string prefix = "t") =>
        ChDbStore.OpenAsync(DataPath, $"{prefix}_{Guid.NewGuid():N}");

    /// <summary>A database at the current schema, behind the store the app uses (derived tables kept fresh).</summary>
    public static async Task<DerivedTablesStore> NewMigratedDatabaseAsync(string prefix = "t")
    {
        var sqlFiles = new SqlFiles();
        var store = new DerivedTablesStore(await NewDatabaseAsync(prefix), sqlFiles);
        await new MigrationRunner(store, sqlFiles).MigrateAsync();
        return store;
    }
}
