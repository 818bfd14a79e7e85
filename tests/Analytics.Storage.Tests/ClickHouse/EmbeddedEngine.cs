using Analytics.Storage.ClickHouse;
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

    public static async Task<ChDbStore> NewMigratedDatabaseAsync(string prefix = "t")
    {
        var store = await NewDatabaseAsync(prefix);
        await new MigrationRunner(store, new SqlFiles()).MigrateAsync();
        return store;
    }
}
