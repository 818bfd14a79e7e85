using System.Text.Json;
using Analytics.Web.Queries;
using Analytics.Web.Utils;

namespace Analytics.Web.Tests.Components;

/// <summary>
/// The views the pages persist into the HTML come back from JSON as they went in (the interactive render shows what was
/// deserialized): serialising the deserialized view gives the same JSON, so no property is dropped or changed on the way.
/// Web defaults, as Blazor's persistent component state uses.
/// </summary>
[Collection(AnalyticsAppCollection.Name)]
public sealed class PersistedViewTests(AnalyticsAppFixture app)
{
    [Theory]
    [InlineData(DoraBreakdown.Team)]
    [InlineData(DoraBreakdown.Service)]
    public async Task The_overview_view_round_trips_through_json(DoraBreakdown by)
    {
        var tiers = app.Services.GetRequiredService<DoraTierChoice>().Configured;
        var period = Period.Resolve(null, null, Period.DefaultDays, TimeProvider.System);
        var request = new DoraRequest(period.From, period.To);
        var result = (await app.Services.GetRequiredService<DoraQueries>().SummariesAsync(request with { By = by })).WithTiers(tiers);
        var trends = await app.Services.GetRequiredService<KeyTrendQueries>().LoadAsync(request, tiers);
        var view = OverviewView.Of(Period.DefaultDays, tiers.Year, null, by, result, trends, Analytics.Web.Components.Shared.TeamsTable.PageSize);
        Assert.NotEmpty(view.FirstRows);
        Assert.NotEmpty(view.Trends!.Weeks);

        AssertRoundTrips(view);
    }

    [Fact]
    public async Task The_team_page_view_round_trips_through_json()
    {
        var tiers = app.Services.GetRequiredService<DoraTierChoice>().Configured;
        var period = Period.Resolve(null, null, Period.DefaultDays, TimeProvider.System);
        var team = (await app.Services.GetRequiredService<DoraQueries>().SummariesAsync(new DoraRequest(period.From, period.To))).Teams
            .MaxBy(summary => summary.DeploymentFrequency.Deployments)!.Team;
        var view = await app.Services.GetRequiredService<TeamPageQueries>().LoadAsync(team, Period.DefaultDays, tiers);
        Assert.NotNull(view.Rows);

        AssertRoundTrips(view);
    }

    private static void AssertRoundTrips<T>(T view)
    {
        var json = JsonSerializer.Serialize(view, JsonSerializerOptions.Web);
        var back = JsonSerializer.Deserialize<T>(json, JsonSerializerOptions.Web);
        Assert.Equal(json, JsonSerializer.Serialize(back, JsonSerializerOptions.Web));
    }
}
