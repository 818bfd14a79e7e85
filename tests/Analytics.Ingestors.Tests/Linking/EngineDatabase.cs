using Analytics.Storage.ClickHouse;
using Analytics.Storage.ClickHouse.Embedded;

namespace Analytics.Ingestors.Tests.Linking;

/// <summary>
/// A migrated database of its own in this test process's one embedded engine. The storage path is the one every
/// engine helper of a test process uses, since chDB serves a single path per process.
/// </summary>
public static class EngineDatabase
{
    public static readonly string DataPath = Path.Combine(Path.GetTempPath(), $"analytics-tests-{Environment.ProcessId}");

    public static async Task<ChDbStore> CreateMigratedAsync(string prefix)
    {
        var store = await ChDbStore.OpenAsync(DataPath, $"{prefix}_{Guid.NewGuid():N}");
        await new MigrationRunner(store, new SqlFiles()).MigrateAsync();
        return store;
    }
}
