using Analytics.Storage.ClickHouse;
using Analytics.Storage.ClickHouse.Embedded;
using Analytics.Testing;
using Analytics.Web.Components.Layout;
using Bunit;
using static Analytics.Web.Tests.Components.AppComponents;

namespace Analytics.Web.Tests.Components;

/// <summary>
/// The notes above every page: the demo store says it is one, and when a refresh of the derived tables failed the
/// page says since when its figures are and why — while the figures go on coming from the last good tables.
/// </summary>
[Collection(AnalyticsAppCollection.Name)]
public sealed class StoreNoticesTests(AnalyticsAppFixture app)
{
    private const string DeploymentColumns = "(deployment_id, service, environment, status, kind, related_deployment_id, repository, sha, started_at, finished_at, url, source)";

    [Fact]
    public async Task A_failed_refresh_is_noted_with_the_time_of_the_figures_and_the_reason_and_the_demo_store_is_marked()
    {
        var sqlFiles = new SqlFiles();
        var failing = new FailingStore(await ChDbStore.OpenAsync(AnalyticsAppFixture.DataPath, $"notice_{Guid.NewGuid():N}"));
        await new MigrationRunner(failing, sqlFiles).MigrateAsync();
        await using var store = new DerivedTablesStore(failing, sqlFiles);
        await store.ExecuteAsync("INSERT INTO catalog_production_environments (source, pattern) VALUES ('', 'production')");
        await store.ExecuteAsync($"INSERT INTO deployments {DeploymentColumns} VALUES ('d1', 'api', 'production', 'success', 'normal', '', 'acme/api', 's1', '2025-01-01 10:00:00', '2025-01-01 10:05:00', '', 't')");
        await store.QueryAsync<CountRow>("SELECT count() AS rows FROM production_deployments");
        await using var context = NewContext(app);
        context.Services.AddSingleton(store);

        var healthy = context.Render<StoreNotices>();
        Assert.Empty(healthy.FindAll("[data-notice=refresh-failed]"));
        Assert.Contains("Demo data", healthy.Find("[data-notice=demo]").TextContent, StringComparison.Ordinal);

        failing.FailOn = "INSERT INTO production_deployments__next_";
        await store.ExecuteAsync($"INSERT INTO deployments {DeploymentColumns} VALUES ('d2', 'api', 'production', 'success', 'normal', '', 'acme/api', 's2', '2025-01-02 10:00:00', '2025-01-02 10:05:00', '', 't')");
        var served = await store.QueryAsync<CountRow>("SELECT count() AS rows FROM production_deployments");

        Assert.Equal(1UL, served.Single().Rows);
        var note = context.Render<StoreNotices>().Find("[data-notice=refresh-failed]").TextContent;
        var figuresFrom = store.Status.FiguresFrom!.Value.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal($"Figures from {figuresFrom}; the last refresh failed: Memory limit (total) exceeded", string.Join(' ', note.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries)));
    }

    private sealed record CountRow(ulong Rows);
}
