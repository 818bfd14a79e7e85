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
