using System.Net;

namespace Analytics.Web.Tests.Api;

/// <summary>
/// Page weight: what a page sends decides its first render on a real network. Every page stays within the budget on the
/// demo store (scale S), its HTML with the persisted component state counted: per-team tables and drill-down grids
/// render (and the team page persists) one page of rows at a time. PageWeightGrowthTests holds the same pages to the
/// budget at 200 teams and checks they do not grow with the number of teams; docs/benchmarks.md has each page's bytes.
/// </summary>
[Collection(AnalyticsAppCollection.Name)]
public sealed class PageWeightTests(AnalyticsAppFixture app)
{
    /// <summary>The budget of issue 14: no page sends more than 200 KB of HTML and state.</summary>
    public const int BudgetBytes = 200 * 1024;

    /// <summary>Every page of the app with figures ({team}: a team of the store), as <c>bench pages</c> requests them.</summary>
    public static TheoryData<string> Pages =>
    [
        "",
        "?by=service",
        "teams/{team}",
        "dashboards/leadership",
        "dashboards/platform-pm",
        "dashboards/team-lead?team={team}",
        "reports/monthly",
        "admin",
    ];

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task The_page_sends_no_more_than_the_budget(string path)
    {
        var team = (await app.Services.GetRequiredService<Analytics.Storage.Catalog.CatalogLookups>().TeamSlugsAsync())[0];
        using var response = await app.Http.GetAsync(path.Replace("{team}", team, StringComparison.Ordinal));
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Prerendered in full: an empty page would be light for the wrong reason.
        Assert.True(bytes.Length > 10_000, $"/{path}: {bytes.Length:N0} bytes; expected a prerendered page");
        Assert.True(bytes.Length <= BudgetBytes, $"/{path} sends {bytes.Length:N0} bytes; the budget is {BudgetBytes:N0}");
    }
}
