namespace Analytics.Storage.ClickHouse;

/// <summary>
/// Applies numbered, forward-only migrations once each and records them in <c>schema_migrations</c>.
/// An applied migration whose file has since changed is an error: migrations are never edited, only added.
/// </summary>
public sealed class MigrationRunner(IClickHouseStore store, SqlFiles sqlFiles)
{
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

    /// <summary>Applies what is pending; returns the versions applied by this call.</summary>
    public async Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await store.ExecuteAsync(CreateHistoryTable, cancellationToken: cancellationToken);
        var applied = (await store.QueryAsync<AppliedMigration>(
                "SELECT version, checksum FROM schema_migrations FINAL", cancellationToken: cancellationToken))
            .ToDictionary(row => (int)row.Version, row => row.Checksum);

        var appliedNow = new List<int>();
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
            foreach (var statement in migration.Statements())
            {
                await store.ExecuteAsync(statement, cancellationToken: cancellationToken);
            }
            await store.ExecuteAsync(
                "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ({version:UInt32}, {name:String}, {checksum:String}, now64(3))",
                QueryParameters.From(("version", migration.Version), ("name", migration.Name), ("checksum", migration.Checksum)),
                cancellationToken);
            appliedNow.Add(migration.Version);
        }
        return appliedNow;
    }

    private sealed record AppliedMigration(uint Version, string Checksum);
}
