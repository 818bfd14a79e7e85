using Analytics.Testing;

namespace Analytics.Storage.Tests.ClickHouse;

/// <summary>
/// A process killed in the middle of a migration (here: its statement failing, as a kill leaves it) does not stop the
/// next run: it resumes at the statement it stopped in, and the store ends with the schema of one clean migration.
/// </summary>
public sealed class MigrationResumeTests
{
    [Fact]
    public async Task A_migration_stopped_after_it_made_a_view_name_a_table_resumes_and_ends_with_the_clean_schema()
    {
        await using var store = await EmbeddedEngine.NewDatabaseAsync("resume");
        // 0008 drops the view production_deployments, then creates a table of that name; it stops just after.
        var stopped = new FailingStore(store) { FailOn = "CREATE TABLE IF NOT EXISTS deployment_failure_evidence" };
        await Assert.ThrowsAsync<ClickHouseException>(() => new MigrationRunner(stopped, new SqlFiles()).MigrateAsync());
        Assert.DoesNotMatch("^View", (await EnginesAsync(store))["production_deployments"]);

        // Run again from its top, 0008's "DROP VIEW IF EXISTS production_deployments" would fail on the table.
        var applied = await new MigrationRunner(store, new SqlFiles()).MigrateAsync();

        Assert.Contains(8, applied);
        await using var clean = await EmbeddedEngine.NewDatabaseAsync("clean");
        await new MigrationRunner(clean, new SqlFiles()).MigrateAsync();
        Assert.Equal(await EnginesAsync(clean), await EnginesAsync(store));
        Assert.Empty(await new MigrationRunner(store, new SqlFiles()).MigrateAsync());
    }

    [Theory]
    [InlineData("DROP TABLE survey_responses__rekeyed")] // 0014's last statement: the table is gone
    [InlineData("CREATE TABLE survey_responses__rekeyed")] // 0014's copy: the table is there
    public async Task A_statement_the_engine_finished_just_before_the_kill_is_taken_as_done(string statement)
    {
        await using var store = await EmbeddedEngine.NewDatabaseAsync("resume");
        var killed = new FailingStore(store) { FailOn = statement, AfterRunning = true };
        await Assert.ThrowsAsync<ClickHouseException>(() => new MigrationRunner(killed, new SqlFiles()).MigrateAsync());

        var applied = await new MigrationRunner(store, new SqlFiles()).MigrateAsync();

        Assert.Equal(14, applied[0]);
        await using var clean = await EmbeddedEngine.NewDatabaseAsync("clean");
        await new MigrationRunner(clean, new SqlFiles()).MigrateAsync();
        Assert.Equal(await EnginesAsync(clean), await EnginesAsync(store));
    }

    /// <summary>Each table and view of the database with its engine and columns (the database's own name left out).</summary>
    private static async Task<Dictionary<string, string>> EnginesAsync(IClickHouseStore store) =>
        (await store.QueryAsync<TableRow>("""
            SELECT t.name AS name, concat(t.engine, ' ', ifNull(c.columns, '')) AS shape
            FROM system.tables AS t
            LEFT JOIN
            (
                SELECT table, arrayStringConcat(groupArray(concat(name, ' ', type)), ', ') AS columns
                FROM (SELECT table, name, type FROM system.columns WHERE database = currentDatabase() ORDER BY table, position)
                GROUP BY table
            ) AS c ON c.table = t.name
            WHERE t.database = currentDatabase()
            """))
        .ToDictionary(row => row.Name, row => row.Shape);

    private sealed record TableRow(string Name, string Shape);
}
