using System.Text.Json;
using Analytics.Storage.ClickHouse;
using Analytics.Storage.ClickHouse.Embedded;
using Analytics.Testing;
using Microsoft.Extensions.Options;

namespace Analytics.Web.Tests.Hosting;

/// <summary>
/// The whole app over HTTP while a refresh of the derived tables fails (the engine runs out of memory building the
/// next table): the API keeps answering from the last good tables, the page says since when and why, and both
/// catch up once a refresh succeeds.
/// </summary>
[Collection(AnalyticsAppCollection.Name)]
public sealed class FailedRefreshPageTests
{
    private const string DeploymentColumns = "(deployment_id, service, environment, status, kind, related_deployment_id, repository, sha, started_at, finished_at, url, source)";
    private const string Dora = "api/dora?from=2025-01-01&to=2025-03-01";

    [Fact]
    public async Task Pages_and_API_serve_the_last_good_tables_with_a_note_while_a_refresh_fails()
    {
        FailingStore? failing = null;
        var log = new RecordingLoggerProvider();
        var settings = AnalyticsAppFixture.OwnStoreSettings("refresh_fails");
        // The app's own store, with the engine failing on demand underneath it.
        await using var app = await AnalyticsAppFixture.StartAsync(settings, log, services => services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<StoreOptions>>().Value;
            failing = new FailingStore(ChDbStore.OpenAsync(options.DataPath, options.Database).GetAwaiter().GetResult());
            return new DerivedTablesStore(failing, provider.GetRequiredService<SqlFiles>());
        }));
        using var http = new HttpClient { BaseAddress = AnalyticsAppFixture.AddressOf(app) };
        var store = app.Services.GetRequiredService<IClickHouseStore>();
        await store.ExecuteAsync("INSERT INTO catalog_production_environments (source, pattern) VALUES ('', 'production')");
        await InsertDeploymentAsync(store, 1);
        Assert.Equal(1, await DeploymentsAsync(http));
        Assert.DoesNotContain("data-notice=\"refresh-failed\"", await http.GetStringAsync(""), StringComparison.Ordinal);

        failing!.FailOn = "INSERT INTO production_deployments__next_";
        await InsertDeploymentAsync(store, 2);

        Assert.Equal(1, await DeploymentsAsync(http)); // from the last good table, not an error
        foreach (var path in new[] { "", "reports/monthly" })
        {
            var page = await http.GetStringAsync(path);
            Assert.Contains("data-notice=\"refresh-failed\"", page, StringComparison.Ordinal);
            Assert.Contains("the last refresh failed: Memory limit (total) exceeded", string.Join(' ', page.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        }

        failing.FailOn = null;
        await app.Services.GetRequiredService<DerivedTablesStore>().RefreshStaleAsync();
        Assert.Equal(2, await DeploymentsAsync(http));
        Assert.DoesNotContain("data-notice=\"refresh-failed\"", await http.GetStringAsync(""), StringComparison.Ordinal);
        await app.StopAsync();
    }

    private static Task InsertDeploymentAsync(IClickHouseStore store, int day) =>
        store.ExecuteAsync($"INSERT INTO deployments {DeploymentColumns} VALUES ('d{day}', 'api', 'production', 'success', 'normal', '', 'acme/api', 's{day}', '2025-01-0{day} 10:00:00', '2025-01-0{day} 10:05:00', '', 't')");

    private static async Task<int> DeploymentsAsync(HttpClient http)
    {
        using var document = JsonDocument.Parse(await http.GetStringAsync(Dora));
        return document.RootElement.GetProperty("organisation").GetProperty("deploymentFrequency").GetProperty("deployments").GetInt32();
    }
}
