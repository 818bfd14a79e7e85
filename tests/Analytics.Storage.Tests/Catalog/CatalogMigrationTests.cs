using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Analytics.Storage.Tests.Catalog;

public class CatalogMigrationTests
{
    [Fact]
    public async Task MigrateAsync_CreatesTheDatabaseFileAndFolder_AndAppliesEveryMigration()
    {
        await using var database = CatalogTestDatabase.CreateEmpty();
        Assert.False(File.Exists(database.DatabasePath));

        await database.Database.MigrateAsync();

        Assert.True(File.Exists(database.DatabasePath));
        var (applied, pending) = await database.WithContextAsync(async db =>
            ((await db.Database.GetAppliedMigrationsAsync()).ToList(), (await db.Database.GetPendingMigrationsAsync()).ToList()));
        Assert.Contains(applied, id => id.EndsWith("_InitialCatalog", StringComparison.Ordinal));
        Assert.Empty(pending);
    }

    [Fact]
    public async Task MigrateAsync_RunTwice_KeepsDataAndDoesNotReseed()
    {
        await using var database = await CatalogTestDatabase.CreateMigratedAsync();
        await database.AddTeamsAsync("payments");

        await database.Database.MigrateAsync();

        var (teams, rules, applied, known) = await database.WithContextAsync(async db =>
            (await db.Teams.CountAsync(), await db.EnvironmentRules.CountAsync(), (await db.Database.GetAppliedMigrationsAsync()).ToList(), db.Database.GetMigrations().ToList()));
        Assert.Equal(1, teams);
        Assert.Equal(2, rules);
        // Each migration applied once: the second run applied nothing again.
        Assert.Equal(known, applied);
    }

    [Fact]
    public async Task A_lock_row_left_by_a_process_killed_while_migrating_does_not_stop_the_next_migration()
    {
        await using var database = CatalogTestDatabase.CreateEmpty();
        Directory.CreateDirectory(Path.GetDirectoryName(database.DatabasePath)!);
        // The killed process had applied the first migrations and held EF Core's lock (its row) when it died.
        await database.WithContextAsync(async db =>
        {
            var first = db.Database.GetMigrations().First();
            await db.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>().MigrateAsync(first);
            return await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO \"__EFMigrationsLock\" (\"Id\", \"Timestamp\") VALUES (1, '2026-12-03 09:41:46.8396965+00:00')");
        });

        // EF Core alone waits for that row forever; a minute is far more than the migrations take.
        using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await database.Database.MigrateAsync(patience.Token);

        var (pending, locks) = await database.WithContextAsync(async db =>
            ((await db.Database.GetPendingMigrationsAsync()).ToList(),
             await db.Database.SqlQueryRaw<long>("SELECT count(*) AS \"Value\" FROM \"__EFMigrationsLock\"").SingleAsync()));
        Assert.Empty(pending);
        Assert.Equal(0, locks);
    }

    [Fact]
    public async Task A_process_migrating_the_catalog_makes_another_wait_for_it()
    {
        await using var database = CatalogTestDatabase.CreateEmpty();
        Directory.CreateDirectory(Path.GetDirectoryName(database.DatabasePath)!);
        var migrating = new FileStream(database.DatabasePath + ".migrating", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

        var waiting = database.Database.MigrateAsync();
        await Task.Delay(TimeSpan.FromSeconds(1));
        // Waiting, and before the lock: it has not even created the database file (migrating would have).
        Assert.False(waiting.IsCompleted);
        Assert.False(File.Exists(database.DatabasePath));
        await migrating.DisposeAsync();
        await waiting.WaitAsync(TimeSpan.FromMinutes(1));

        var pending = await database.WithContextAsync(async db => (await db.Database.GetPendingMigrationsAsync()).ToList());
        Assert.Empty(pending);
    }

    [Fact]
    public async Task FreshCatalog_HasTheDefaultProductionRuleAndItsExceptionForEverySource()
    {
        await using var database = await CatalogTestDatabase.CreateMigratedAsync();

        var rules = await database.WithContextAsync(db => db.EnvironmentRules
            .OrderBy(r => r.Id)
            .Select(r => new { r.Source, r.Pattern, r.IsProduction })
            .ToListAsync());

        Assert.Equal(
            [
                new { Source = "", Pattern = EnvironmentRule.DefaultProduction, IsProduction = true },
                new { Source = "", Pattern = EnvironmentRule.DefaultNotProduction, IsProduction = false },
            ],
            rules);
    }

    [Fact]
    public async Task Upgrading_turns_the_LIKE_rules_of_an_older_catalog_into_regular_expressions_meaning_the_same_names()
    {
        await using var database = CatalogTestDatabase.CreateEmpty();
        Directory.CreateDirectory(Path.GetDirectoryName(database.DatabasePath)!);
        await database.WithContextAsync(async db =>
        {
            await db.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>().MigrateAsync("20261126195504_IngestRunLease");
            db.EnvironmentRules.AddRange(
                new EnvironmentRule { Source = "github", Pattern = "prod-%", IsProduction = true },
                new EnvironmentRule { Source = "", Pattern = "eu_live", IsProduction = true },
                new EnvironmentRule { Source = "", Pattern = "v1.(x)+", IsProduction = true });
            return await db.SaveChangesAsync();
        });

        await database.Database.MigrateAsync();

        var patterns = await database.WithContextAsync(db => db.EnvironmentRules.OrderBy(r => r.Id).Select(r => r.Pattern).ToListAsync());
        Assert.Equal([EnvironmentRule.DefaultProduction, EnvironmentRule.DefaultNotProduction, "prod-.*", "eu.live", @"v1\.\(x\)\+"], patterns);
    }

    [Fact]
    public async Task NewService_DefaultsToTheMainBranch()
    {
        await using var database = await CatalogTestDatabase.CreateMigratedAsync();
        await database.AddServiceAsync("payments-api");

        var branch = await database.WithContextAsync(db => db.Services.Select(s => s.DefaultBranch).SingleAsync());

        Assert.Equal("main", branch);
    }
}
