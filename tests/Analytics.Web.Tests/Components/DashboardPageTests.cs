using Analytics.Web.Components.Pages;
using Analytics.Web.Dashboards;
using Bunit;
using Microsoft.AspNetCore.Components;
using static Analytics.Web.Tests.Components.AppComponents;

namespace Analytics.Web.Tests.Components;

/// <summary>
/// The dashboard page rendered by bUnit from definitions in a folder of the test's own (Analytics:Dashboards:Path
/// set for that context's services only) over the real store: a bad file is reported on the page with the file and
/// the panel, and an edited file is what the next render shows.
/// </summary>
[Collection(AnalyticsAppCollection.Name)]
public sealed class DashboardPageTests(AnalyticsAppFixture app) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("analytics-dashboard-page-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private BunitContext NewContext() => AppComponents.NewContext(app, new Dictionary<string, string?> { [DashboardOptions.Section + ":Path"] = _folder });

    [Fact]
    public async Task A_panel_of_an_unknown_kind_shows_the_error_naming_the_file_and_the_panel()
    {
        await File.WriteAllTextAsync(Path.Combine(_folder, "broken.json"), """
            {
              "title": "Broken",
              "panels": [
                { "id": "keys", "title": "Keys", "kind": "dora-keys" },
                { "id": "mystery", "title": "A pie", "kind": "pie-chart" }
              ]
            }
            """);
        await using var context = NewContext();
        // The folder really is this test's: the app's shipped dashboards are not in it.
        Assert.Equal(["broken"], context.Services.GetRequiredService<DashboardCatalog>().Names());

        context.NavigateTo("/dashboards/broken");
        var page = context.Render<DashboardPage>(parameters => parameters.Add(p => p.Name, "broken"));

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=error]")), RenderTimeout);
        var error = OverviewText.Normalise(page.Find("[data-testid=error]").TextContent);
        Assert.Contains("dashboards/broken.json, panel 'mystery': unknown kind 'pie-chart'", error);
        Assert.Contains($"(known: {string.Join(", ", PanelKinds.All)})", error);
        Assert.Equal("Dashboard broken", page.Find("h1").TextContent.Trim());
        // Nothing of the dashboard is drawn, not even its valid panels.
        Assert.Empty(page.FindAll("[data-panel]"));
        Assert.Empty(page.FindAll("[data-testid=figure]"));
    }

    [Fact]
    public async Task Editing_the_file_between_two_renders_changes_the_title_without_a_rebuild()
    {
        var path = Path.Combine(_folder, "mine.json");
        await File.WriteAllTextAsync(path, """{ "title": "First title", "defaultDays": 90, "panels": [ { "id": "keys", "title": "Keys before", "kind": "dora-keys" } ] }""");
        await using var context = NewContext();
        var navigation = context.Services.GetRequiredService<NavigationManager>();
        context.NavigateTo("/dashboards/mine");
        var page = context.Render<DashboardPage>(parameters => parameters.Add(p => p.Name, "mine"));
        page.WaitForAssertion(() => Assert.Equal("First title", page.Find("h1").TextContent.Trim()), RenderTimeout);
        Assert.Equal("Keys before", page.Find("[data-panel=keys] h2").TextContent.Trim());
        Assert.Empty(page.FindAll("[data-testid=error]"));

        await File.WriteAllTextAsync(path, """{ "title": "Second title", "defaultDays": 90, "panels": [ { "id": "keys", "title": "Keys after", "kind": "dora-keys" } ] }""");
        // The same component, rendered again for a new period: it reads the file again.
        navigation.NavigateTo(navigation.GetUriWithQueryParameter("days", 30));

        page.WaitForAssertion(() => Assert.Equal("Second title", page.Find("h1").TextContent.Trim()), RenderTimeout);
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=window]")), RenderTimeout);
        Assert.Equal("Keys after", page.Find("[data-panel=keys] h2").TextContent.Trim());
        var window = OverviewText.ParseWindow(page.Find("[data-testid=window]").TextContent);
        Assert.Equal(30, (window.To - window.From).TotalDays);
        Assert.Empty(page.FindAll("[data-testid=error]"));
    }
}
