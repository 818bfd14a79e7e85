using Microsoft.EntityFrameworkCore;

namespace Analytics.Storage.Tests.Metrics;

/// <summary>
/// What real teams name production, under the default rules of a freshly migrated catalog mirrored to the engine:
/// one successful deployment per environment name; the SQL, the oracle and the admin listing agree.
/// </summary>
public sealed class EnvironmentNamesTests : IAsyncLifetime
{
    private static readonly DateTimeOffset From = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = new(2025, 2, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly string[] Production =
        ["production", "prod", "Production", "PROD", "prod-eu", "Prod-EU-West", "production-us", "eu-prod", "us_production", "prd", "Production (EU)", "production/eu-west-1"];

    private static readonly string[] NotProduction =
        ["staging", "pre-prod", "preprod", "Pre-Production", "non-prod", "eu-pre-prod", "products", "reproduction", "github-pages", "prod2", "dev"];

    private CatalogTestDatabase _catalog = default!;
    private IClickHouseStore _store = default!;

    public async Task InitializeAsync()
    {
        _catalog = await CatalogTestDatabase.CreateMigratedAsync();
        _store = await EmbeddedEngine.NewMigratedDatabaseAsync("environments");
        await new CatalogMirrorSync(_catalog.MirrorExport, _store).SyncAsync();
        var names = Production.Concat(NotProduction).ToList();
        await _store.InsertAsync("deployments",
            ["deployment_id", "service", "environment", "status", "kind", "related_deployment_id", "repository", "sha", "started_at", "finished_at", "url", "source"],
            names.Select((name, i) => new object?[]
            {
                $"d{i}", "api", name, "success", "normal", "", "acme/api", $"s{i}", From.AddHours(i), From.AddHours(i).AddMinutes(5), "", "github",
            }));
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        await _catalog.DisposeAsync();
    }

    [Fact]
    public async Task The_default_rules_count_what_teams_name_production_and_nothing_else()
    {
        var options = new MetricOptions();
        var sql = await new DoraQueries(_store, new SqlFiles(), Options.Create(options)).SummariesAsync(new DoraRequest(From, To));
        var oracle = new DoraOracle(await GeneratedOrganisation.ReadDoraHistoryAsync(_store), options);

        Assert.Equal(Production.Length, sql.Organisation.DeploymentFrequency.Deployments);
        Assert.Equal(Production.Order(StringComparer.Ordinal), oracle.ProductionDeployments().Select(d => d.Environment).Order(StringComparer.Ordinal));

        var seen = (await new EnvironmentNameQueries(_store, new SqlFiles()).SeenAsync()).ToDictionary(name => name.Environment);
        Assert.Equal(Production.Concat(NotProduction).Order(StringComparer.Ordinal), seen.Keys.Order(StringComparer.Ordinal));
        Assert.All(Production, name => Assert.True(seen[name].IsProduction, $"{name}: {seen[name].Reason}"));
        Assert.All(NotProduction, name => Assert.False(seen[name].IsProduction, $"{name}: {seen[name].Reason}"));
        Assert.Equal($"not production: matches the exception {EnvironmentRule.DefaultNotProduction}", seen["pre-prod"].Reason);
        Assert.Equal("not production: no rule matches", seen["staging"].Reason);
        Assert.Equal("github", seen["prod-eu"].Source);
        Assert.Equal(1UL, seen["prod-eu"].Deployments);
    }

    [Fact]
    public async Task A_rule_of_one_source_is_a_regular_expression_over_the_whole_name()
    {
        var editor = new CatalogEditor(_catalog.Contexts, new CatalogMirrorSync(_catalog.MirrorExport, _store), _catalog.Audit);
        await editor.SaveEnvironmentRuleAsync(CatalogTestDatabase.Tester, "github", "stag(e|ing)", isProduction: true);
        await editor.SaveEnvironmentRuleAsync(CatalogTestDatabase.Tester, "jenkins", "dev", isProduction: true);

        var seen = (await new EnvironmentNameQueries(_store, new SqlFiles()).SeenAsync()).ToDictionary(name => name.Environment);

        Assert.True(seen["staging"].IsProduction);
        Assert.False(seen["dev"].IsProduction); // the rule is jenkins's; these deployments are github's
        await Assert.ThrowsAnyAsync<Exception>(() => editor.SaveEnvironmentRuleAsync(CatalogTestDatabase.Tester, "", "prod(?!uction)", isProduction: true));
        Assert.Equal(4, await _catalog.WithContextAsync(db => db.EnvironmentRules.CountAsync())); // the two defaults and the two saved
    }
}
