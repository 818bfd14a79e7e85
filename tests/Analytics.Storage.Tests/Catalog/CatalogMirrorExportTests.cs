using Microsoft.EntityFrameworkCore;
using static Analytics.Storage.Tests.Catalog.CatalogTestDatabase;

namespace Analytics.Storage.Tests.Catalog;

public class CatalogMirrorExportTests : IAsyncLifetime
{
    private CatalogTestDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = await CreateMigratedAsync();
        await _database.AddTeamsAsync("payments", "checkout");
        await _database.AddServiceAsync("payments-api");
        await _database.AddPersonAsync("p-0001");
        await _database.AddPersonAsync("bot-renovate", isBot: true);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Export_CarriesOwnershipHistoryAfterAReorg()
    {
        await _database.Assignments.ReassignServiceAsync("payments-api", "payments", Utc(2024, 1, 1));
        await _database.Assignments.ReassignServiceAsync("payments-api", "checkout", Utc(2024, 6, 1));

        var mirror = await _database.MirrorExport.ExportMirrorAsync();

        Assert.Equal(
            [
                new ServiceOwnershipMirrorRow("payments-api", "payments", Utc(2024, 1, 1), Utc(2024, 6, 1)),
                new ServiceOwnershipMirrorRow("payments-api", "checkout", Utc(2024, 6, 1), null),
            ],
            mirror.ServiceOwnership);
    }

    [Fact]
    public async Task Export_NamesIdentityKindsAsTheMirrorExpects_AndFlagsBots()
    {
        await _database.Assignments.AddIdentityAsync("p-0001", IdentityKind.GitEmail, "Jane@Example.com");
        await _database.Assignments.AddIdentityAsync("p-0001", IdentityKind.GitHubLogin, "JaneDoe");
        await _database.Assignments.AddIdentityAsync("bot-renovate", IdentityKind.GitHubLogin, "renovate[bot]");

        var mirror = await _database.MirrorExport.ExportMirrorAsync();

        Assert.Equal(
            [
                new IdentityMirrorRow("p-0001", "git_email", "jane@example.com", IsBot: false),
                new IdentityMirrorRow("p-0001", "github_login", "janedoe", IsBot: false),
                new IdentityMirrorRow("bot-renovate", "github_login", "renovate[bot]", IsBot: true),
            ],
            mirror.Identities);
    }

    [Fact]
    public async Task Export_CarriesMembershipsAndTemplates()
    {
        var (personId, paymentsId, serviceId) = await _database.WithContextAsync(async db => (
            await db.People.Where(p => p.ExternalId == "p-0001").Select(p => p.Id).SingleAsync(),
            await db.Teams.Where(t => t.Slug == "payments").Select(t => t.Id).SingleAsync(),
            await db.Services.Select(s => s.Id).SingleAsync()));
        var template = new Template { Slug = "dotnet-api", Name = ".NET API", LatestVersion = "3.1.0", IsGoldenPath = true };
        await _database.SaveAsync(template);
        await _database.SaveAsync(
            new TeamMembership { PersonId = personId, TeamId = paymentsId, ValidFrom = Utc(2024, 1, 1) },
            new ServiceTemplate { ServiceId = serviceId, TemplateId = template.Id, TemplateVersion = "2.0.0", ValidFrom = Utc(2024, 1, 1), ValidTo = Utc(2024, 5, 1) },
            new ServiceTemplate { ServiceId = serviceId, TemplateId = template.Id, TemplateVersion = "3.1.0", ValidFrom = Utc(2024, 5, 1) });

        var mirror = await _database.MirrorExport.ExportMirrorAsync();

        Assert.Equal([new TeamMembershipMirrorRow("p-0001", "payments", Utc(2024, 1, 1), null)], mirror.TeamMembership);
        Assert.Equal(
            [
                new ServiceTemplateMirrorRow("payments-api", "dotnet-api", "2.0.0", Utc(2024, 1, 1), Utc(2024, 5, 1)),
                new ServiceTemplateMirrorRow("payments-api", "dotnet-api", "3.1.0", Utc(2024, 5, 1), null),
            ],
            mirror.ServiceTemplates);
    }

    [Fact]
    public async Task Export_IncludesEveryEnvironmentRuleWithWhetherItMarksProduction()
    {
        // "Not production" rules are exceptions that win over production rules, so the mirror needs them too.
        await _database.SaveAsync(
            new EnvironmentRule { Source = "github-acme", Pattern = "live-.*", IsProduction = true },
            new EnvironmentRule { Source = "", Pattern = "prod-preview.*", IsProduction = false });

        var mirror = await _database.MirrorExport.ExportMirrorAsync();

        Assert.Equal(
            [
                new ProductionEnvironmentMirrorRow("", EnvironmentRule.DefaultNotProduction, false), // "(.*[^a-z0-9])?(pre…" sorts first
                new ProductionEnvironmentMirrorRow("", EnvironmentRule.DefaultProduction, true),
                new ProductionEnvironmentMirrorRow("", "prod-preview.*", false),
                new ProductionEnvironmentMirrorRow("github-acme", "live-.*", true),
            ],
            mirror.ProductionEnvironments);
    }
}
