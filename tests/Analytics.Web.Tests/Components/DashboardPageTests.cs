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

        context.RenderPrerendered();
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
    public async Task The_NPS_line_states_the_whole_months_its_query_reads_and_the_months_with_answers()
    {
        await File.WriteAllTextAsync(Path.Combine(_folder, "nps.json"), """
            { "title": "NPS", "defaultDays": 365, "panels": [ { "id": "satisfaction", "title": "Developer NPS", "kind": "satisfaction" } ] }
            """);
        await using var context = NewContext();
        context.RenderPrerendered();
        context.NavigateTo("/dashboards/nps?days=365");
        var page = context.Render<DashboardPage>(parameters => parameters.Add(p => p.Name, "nps"));
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=nps]")), RenderTimeout);
        var window = OverviewText.ParseWindow(page.Find("[data-testid=window]").TextContent);
        var text = OverviewText.Normalise(page.Find("[data-testid=nps]").TextContent);

        // The app's zone is UTC (appsettings.json): the query reads the window widened to whole months.
        var grid = new Analytics.Core.Calendar.MonthGrid("UTC");
        var (from, to) = (grid.Floor(window.From), grid.Ceiling(window.To));
        Assert.Contains($"Developer NPS over the whole months {from:yyyy-MM-dd} to {to.AddDays(-1):yyyy-MM-dd} (the page's period widened to whole months", text);
        var read = await app.Services.GetRequiredService<SurveyQueries>().SatisfactionAsync(new SpaceRequest(window.From, window.To));
        Assert.Equal((from, to), (read.From, read.To));
        var answered = read.OrganisationByMonth.Select(g => g.Month!.Value).Order().ToList();
        Assert.NotEmpty(answered);
        Assert.Contains(answered.Count == 1 ? $"answers from {answered[0]:yyyy-MM})" : $"answers from {answered[0]:yyyy-MM} to {answered[^1]:yyyy-MM}", text);
        Assert.All(read.UnpublishedMonths, month => Assert.Contains($"{month:yyyy-MM}", text[text.IndexOf("not counted yet", StringComparison.Ordinal)..]));
        if (read.UnpublishedMonths.Count == 0)
        {
            Assert.DoesNotContain("not counted yet", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Editing_the_file_between_two_renders_changes_the_title_without_a_rebuild()
    {
        var path = Path.Combine(_folder, "mine.json");
        await File.WriteAllTextAsync(path, """{ "title": "First title", "defaultDays": 90, "panels": [ { "id": "keys", "title": "Keys before", "kind": "dora-keys" } ] }""");
        await using var context = NewContext();
        var navigation = context.Services.GetRequiredService<NavigationManager>();
        context.RenderPrerendered();
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
