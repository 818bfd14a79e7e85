using Analytics.Storage.Catalog;
using Analytics.Storage.ClickHouse;
using Analytics.Web.Cli;
using Analytics.Web.Hosting;
using Analytics.Web.Utils;

namespace Analytics.Web.Tests.Hosting;

/// <summary>
/// The demo organisation goes into an empty store only in development or when asked for; a production start on
/// an empty store (a first start, a lost volume) stays empty. A store holding the demo says so on every page.
/// </summary>
[Collection(AnalyticsAppCollection.Name)]
public sealed class DemoLoadingTests(AnalyticsAppFixture app)
{
    [Theory]
    [InlineData("Production", null, false)]
    [InlineData("Production", "false", false)]
    [InlineData("Production", "true", true)]
    [InlineData("Development", null, true)]
    [InlineData("Development", "false", false)]
    public async Task The_demo_is_loaded_into_an_empty_store_only_in_development_or_when_asked_for(string environment, string? loadWhenEmpty, bool loaded)
    {
        var settings = AnalyticsAppFixture.OwnStoreSettings("demo");
        settings["Analytics:Demo:Scale"] = "Tiny";
        settings["Analytics:Demo:LoadWhenEmpty"] = loadWhenEmpty;
        await using var host = AnalyticsCommandLine.ServeBuilder(["--environment", environment], settings).Build();

        await host.Services.GetRequiredService<AnalyticsInitializer>().InitializeAsync();

        var deployments = await host.Services.GetRequiredService<IClickHouseStore>().QueryAsync<CountRow>("SELECT count() AS rows FROM deployments");
        Assert.Equal(loaded, deployments.Single().Rows > 0);
        Assert.Equal(loaded, await host.Services.GetRequiredService<CatalogSeeding>().IsDemoAsync());
    }

    [Fact]
    public async Task Every_page_of_a_demo_store_says_it_holds_demo_data()
    {
        foreach (var path in new[] { "", DashboardUrls.AdminUrl().TrimStart('/'), DashboardUrls.MonthlyReportUrl().TrimStart('/') })
        {
            var page = await app.Http.GetStringAsync(path);
            Assert.Contains("data-notice=\"demo\"", page, StringComparison.Ordinal);
            Assert.Contains("Demo data", page, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("api/dora")]
    [InlineData("api/dora/series")]
    [InlineData("api/space/activity")]
    [InlineData("api/roi")]
    public async Task Every_figure_the_api_answers_from_a_demo_store_carries_the_demo_header(string path)
    {
        using var answer = await app.Http.GetAsync(path);

        Assert.True(answer.IsSuccessStatusCode, $"{path}: {(int)answer.StatusCode}");
        Assert.Equal("demo", Assert.Single(answer.Headers.GetValues("Analytics-Store")));
    }

    private sealed record CountRow(ulong Rows);
}
