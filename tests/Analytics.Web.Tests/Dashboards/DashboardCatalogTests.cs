using Analytics.Core.Calendar;
using Analytics.Testing;
using Analytics.Web.Dashboards;
using Microsoft.Extensions.Options;

namespace Analytics.Web.Tests.Dashboards;

/// <summary>Dashboards as data: the shipped files are valid, edits apply without a rebuild, and every error says where.</summary>
public sealed class DashboardCatalogTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("analytics-dashboards-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private DashboardCatalog Catalog(string? folder = null) => new(Options.Create(new DashboardOptions { Path = folder ?? _folder }));

    [Fact]
    public void The_shipped_dashboards_are_valid()
    {
        var catalog = Catalog(Path.Combine(RepositoryPaths.Root, "dashboards"));

        var names = catalog.Names();

        Assert.Contains("leadership", names);
        Assert.Contains("team-lead", names);
        Assert.All(names, name => Assert.NotEmpty(catalog.Load(name)!.Panels));
        Assert.True(catalog.Load("team-lead")!.NeedsTeam);
        Assert.False(catalog.Load("leadership")!.NeedsTeam);
    }

    [Fact]
    public void Editing_a_file_changes_the_dashboard_without_a_rebuild()
    {
        var path = Path.Combine(_folder, "mine.json");
        File.WriteAllText(path, """{ "title": "First", "panels": [ { "id": "keys", "kind": "dora-keys" } ] }""");
        var catalog = Catalog();
        Assert.Equal("First", catalog.Load("mine")!.Title);

        File.WriteAllText(path, """{ "title": "Second", "defaultDays": 30, "panels": [ { "id": "d", "kind": "dora-series", "metric": "deployments", "granularity": "week", "chart": "column" } ] }""");
        var edited = catalog.Load("mine")!;

        Assert.Equal("Second", edited.Title);
        Assert.Equal(30, edited.DefaultDays);
        Assert.Equal(Analytics.Core.Calendar.Granularity.Week, Assert.Single(edited.Panels).Granularity);
    }

    [Theory]
    [InlineData("""{ "title": "x", "panels": [ { "id": "a", "kind": "pie" } ] }""", "dashboards/bad.json, panel 'a': unknown kind 'pie'")]
    [InlineData("""{ "title": "x", "panels": [ { "id": "a", "kind": "dora-series" } ] }""", "dashboards/bad.json, panel 'a': a dora-series panel needs \"metric\"")]
    [InlineData("""{ "title": "x", "panels": [ { "id": "a", "kind": "dora-series", "metric": "speed" } ] }""", "dashboards/bad.json, panel 'a': a dora-series panel needs \"metric\"")]
    [InlineData("""{ "title": "x", "panels": [ { "id": "a", "kind": "dora-series", "metric": "deployments", "granularity": "year" } ] }""", "dashboards/bad.json, panel 'a': unknown granularity 'year'")]
    [InlineData("""{ "title": "x", "panels": [ { "id": "a", "kind": "dora-series", "metric": "deployments", "chart": "pie" } ] }""", "dashboards/bad.json, panel 'a': unknown chart 'pie'")]
    [InlineData("""{ "title": "x", "panels": [ { "id": "a", "kind": "dora-keys" }, { "id": "a", "kind": "teams-table" } ] }""", "dashboards/bad.json, panel 'a': the id is used by an earlier panel")]
    [InlineData("""{ "title": "x", "panels": [ { "kind": "dora-keys" } ] }""", "dashboards/bad.json, panel 1: \"id\" is required")]
    [InlineData("""{ "title": "x", "panels": [] }""", "dashboards/bad.json: \"panels\" must be a non-empty array")]
    [InlineData("""{ "panels": [ { "id": "a", "kind": "dora-keys" } ] }""", "dashboards/bad.json: \"title\" is required")]
    [InlineData("""{ "title": "x", "defaultDays": 0, "panels": [ { "id": "a", "kind": "dora-keys" } ] }""", "dashboards/bad.json: \"defaultDays\" must be")]
    [InlineData("{ \"title\": \"x\",\n  \"panels\": [ { \"id\": \"a\" \"kind\": \"dora-keys\" } ] }", "dashboards/bad.json: line 2: not valid JSON")]
    public void An_invalid_file_is_reported_with_the_file_the_panel_and_the_reason(string json, string expected)
    {
        File.WriteAllText(Path.Combine(_folder, "bad.json"), json);

        var error = Assert.Throws<DashboardDefinitionException>(() => Catalog().Load("bad"));

        Assert.StartsWith(expected, error.Message);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("../secrets")]
    [InlineData("")]
    public void Names_that_are_not_dashboard_files_load_nothing(string name) => Assert.Null(Catalog().Load(name));
}
