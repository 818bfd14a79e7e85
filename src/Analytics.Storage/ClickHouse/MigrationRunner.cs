namespace Analytics.Storage.ClickHouse;

/// <summary>
/// Applies numbered, forward-only migrations once each and records them in <c>schema_migrations</c>.
/// An applied migration whose file has since changed is an error: migrations are never edited, only added.
/// </summary>
/// <remarks>
/// A migration is several statements and ClickHouse has no transaction around them, so each statement done is
/// recorded in <c>schema_migration_steps</c> as it finishes. A process killed in the middle of a migration leaves
/// its first statements done and recorded; the next run resumes at the statement it was killed in instead of
/// running the migration again from its top, which would fail on statements written for the schema before it
/// (0008's <c>DROP VIEW IF EXISTS production_deployments</c> once 0008 has made that name a table). Only the
/// statement in flight at the kill runs twice; <see cref="ExecuteAsync(string, bool, CancellationToken)"/> says how.
/// One case it cannot mend: an <c>EXCHANGE TABLES</c> (0010, 0014) done but not recorded runs again and swaps the
/// tables back, leaving the old table's keys with every row kept; the window is the milliseconds between the two.
/// </remarks>
public sealed class MigrationRunner(IClickHouseStore store, SqlFiles sqlFiles)
{
    private const int TableAlreadyExists = 57;

    private const int UnknownTable = 60;

    private const string CreateHistoryTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations
        (
            version     UInt32,
            name        String,
            checksum    String,
            applied_at  DateTime64(3, 'UTC')
        )
        ENGINE = ReplacingMergeTree(applied_at)
        ORDER BY version
        """;

    private const string CreateStepsTable = """
        CREATE TABLE IF NOT EXISTS schema_migration_steps
        (
            version     UInt32,
            statement   UInt32,
            checksum    String,
            applied_at  DateTime64(3, 'UTC')
        )
        ENGINE = ReplacingMergeTree(applied_at)
        ORDER BY (version, statement)
        """;

    /// <summary>Applies what is pending; returns the versions applied by this call.</summary>
    public async Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await store.ExecuteAsync(CreateHistoryTable, cancellationToken: cancellationToken);
        await store.ExecuteAsync(CreateStepsTable, cancellationToken: cancellationToken);
        var applied = (await store.QueryAsync<AppliedMigration>(
                "SELECT version, checksum FROM schema_migrations FINAL", cancellationToken: cancellationToken))
            .ToDictionary(row => (int)row.Version, row => row.Checksum);
        // Steps of a migration killed part-way; a step recorded under another checksum belongs to an edited file and is ignored.
        var steps = await store.QueryAsync<StepDone>(
            "SELECT version, statement, checksum FROM schema_migration_steps FINAL", cancellationToken: cancellationToken);

        var appliedNow = new List<int>();
        var first = true;
        foreach (var migration in sqlFiles.Migrations())
        {
            if (applied.TryGetValue(migration.Version, out var checksum))
            {
                if (checksum != migration.Checksum)
                {
                    throw new InvalidOperationException(
                        $"Migration {migration.Path} was changed after it was applied to database '{store.Database}'. Add a new migration instead.");
                }
                continue;
            }
            var done = steps.Where(step => step.Version == migration.Version && step.Checksum == migration.Checksum)
                .Select(step => (int)step.Statement)
                .ToHashSet();
            var statements = migration.Statements();
            for (var index = 0; index < statements.Count; index++)
            {
                if (done.Contains(index))
                {
                    continue;
                }
                await ExecuteAsync(statements[index], mayHaveRun: first, cancellationToken);
                first = false;
                await store.ExecuteAsync(
                    "INSERT INTO schema_migration_steps (version, statement, checksum, applied_at) VALUES ({version:UInt32}, {statement:UInt32}, {checksum:String}, now64(3))",
                    QueryParameters.From(("version", migration.Version), ("statement", index), ("checksum", migration.Checksum)),
                    cancellationToken);
            }
            await store.ExecuteAsync(
                "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ({version:UInt32}, {name:String}, {checksum:String}, now64(3))",
                QueryParameters.From(("version", migration.Version), ("name", migration.Name), ("checksum", migration.Checksum)),
                cancellationToken);
            appliedNow.Add(migration.Version);
        }
        return appliedNow;
    }

    /// <summary>
    /// Runs one statement. The first statement not recorded, of the first migration not applied, may have run already
    /// (the kill fell between the engine finishing it and its step row): for it alone, the engine saying that it is
    /// done (the table to create exists, the table to drop is gone) means it is.
    /// </summary>
    private async Task ExecuteAsync(string statement, bool mayHaveRun, CancellationToken cancellationToken)
    {
        try
        {
            await store.ExecuteAsync(statement, cancellationToken: cancellationToken);
        }
        catch (ClickHouseException error) when (mayHaveRun && (
            (error.Code == TableAlreadyExists && Code(statement).StartsWith("CREATE TABLE ", StringComparison.OrdinalIgnoreCase))
            || (error.Code == UnknownTable && Code(statement).StartsWith("DROP TABLE ", StringComparison.OrdinalIgnoreCase))))
        {
            // Done by the killed run; its step row is written next.
        }
    }

    /// <summary>The statement without its comment lines.</summary>
    private static string Code(string statement) =>
        string.Join('\n', statement.Split('\n').Select(line => line.Trim()).Where(line => !line.StartsWith("--", StringComparison.Ordinal))).Trim();

    private sealed record AppliedMigration(uint Version, string Checksum);

    private sealed record StepDone(uint Version, uint Statement, string Checksum);
}
