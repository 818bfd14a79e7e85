using Analytics.Storage.ClickHouse.Embedded;

namespace Analytics.Ingestors.Tests.Linking;

/// <summary>
/// A migrated database of its own in this test process's one embedded engine. The storage path is the one every
/// engine helper of a test process uses, since chDB serves a single path per process.
/// </summary>
public static class EngineDatabase
{
    public static readonly string DataPath = Path.Combine(Path.GetTempPath(), $"analytics-tests-{Environment.ProcessId}");

    /// <summary>A database at the current schema, behind the store the app uses (derived tables kept fresh).</summary>
    public static async Task<DerivedTablesStore> CreateMigratedAsync(string prefix)
    {
        var sqlFiles = new SqlFiles();
        var store = new DerivedTablesStore(await ChDbStore.OpenAsync(DataPath, $"{prefix}_{Guid.NewGuid():N}"), sqlFiles);
        await new MigrationRunner(store, sqlFiles).MigrateAsync();
        return store;
    }
}
