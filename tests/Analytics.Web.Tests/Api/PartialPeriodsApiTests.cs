using System.Globalization;
using System.Net;
using System.Text.Json;
using Analytics.Web.Components.Pages;
using Analytics.Web.Queries;
using Bunit;
using static Analytics.Web.Tests.Components.AppComponents;

namespace Analytics.Web.Tests.Api;

/// <summary>
/// Partial periods (docs/metrics.md, "Partial periods") where they leave the product, on the real host over the demo
/// organisation (UTC): the JSON series and golden-path months flag them, the monthly report marks a month not over,
/// and a window holding no whole week has no weekly median ("no sample"), in the API and on the key cards.
/// </summary>
[Collection(AnalyticsAppCollection.Name)]
public sealed class PartialPeriodsApiTests(AnalyticsAppFixture app)
{
    private static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    private static DateOnly MondayOf(DateOnly day) => day.AddDays(-(((int)day.DayOfWeek + 6) % 7));

    private static DateTimeOffset Start(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    private static string Query(DateOnly from, DateOnly to) => DoraApiClient.Query(Start(from), Start(to));

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await app.Http.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    private static List<(DateOnly Bucket, bool Partial)> Organisation(JsonElement answer) =>
        answer.GetProperty("points").EnumerateArray()
            .Where(point => point.GetProperty("team").GetString() == "")
            .Select(point => (DateOnly.Parse(point.GetProperty("bucket").GetString()!, CultureInfo.InvariantCulture), point.GetProperty("partial").GetBoolean()))
            .ToList();

    [Fact]
    public async Task Series_weeks_cut_by_the_window_are_partial_and_the_weeks_between_are_not()
    {
        // Wednesday eight weeks ago to Wednesday two weeks ago: the first and last weeks are cut, the five between whole.
        var from = MondayOf(Today).AddDays(-54);
        var to = from.AddDays(42);

        var answer = await GetJsonAsync($"api/dora/series?granularity=week&{Query(from, to)}");

        Assert.Equal("week", answer.GetProperty("granularity").GetString());
        var weeks = Organisation(answer);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => MondayOf(from).AddDays(7 * i)), weeks.Select(week => week.Bucket));
        Assert.Equal([true, false, false, false, false, false, true], weeks.Select(week => week.Partial));
        // Every team's points carry the same flags as the organisation's.
        Assert.All(answer.GetProperty("points").EnumerateArray(), point =>
            Assert.Equal(weeks.Single(week => week.Bucket.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) == point.GetProperty("bucket").GetString()).Partial,
                point.GetProperty("partial").GetBoolean()));
    }

    [Fact]
    public async Task Series_the_current_week_is_partial_until_it_ends_even_inside_the_window()
    {
        // Monday three weeks ago to next Monday: a window of whole weeks, but this week is not over.
        var from = MondayOf(Today).AddDays(-21);

        var weeks = Organisation(await GetJsonAsync($"api/dora/series?granularity=week&{Query(from, from.AddDays(28))}"));

        Assert.Equal([false, false, false, true], weeks.Select(week => week.Partial));
    }

    [Fact]
    public async Task Series_for_a_team_holds_its_points_only_and_a_bad_granularity_is_a_problem()
    {
        var team = (await app.Services.GetRequiredService<Analytics.Storage.Catalog.CatalogLookups>().TeamSlugsAsync()).First();
        var from = new DateOnly(Today.Year, Today.Month, 1).AddMonths(-3).AddDays(9);

        var answer = await GetJsonAsync($"api/dora/series?team={team}&{Query(from, Today)}");

        Assert.Equal("month", answer.GetProperty("granularity").GetString());
        var points = answer.GetProperty("points").EnumerateArray().ToList();
        Assert.All(points, point => Assert.Equal(team, point.GetProperty("team").GetString()));
        Assert.Equal(Today.Day == 1 ? 3 : 4, points.Count);
        Assert.True(points[0].GetProperty("partial").GetBoolean());
        Assert.False(points[1].GetProperty("partial").GetBoolean());

        using var bad = await app.Http.GetAsync($"api/dora/series?granularity=quarter&{Query(from, Today)}");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("granularity= takes day, week or month, not 'quarter'.", await bad.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Golden_path_months_cut_by_the_window_are_partial()
    {
        // From the 15th four months ago to the 1st of last month: the first month is cut, the others whole.
        var firstOfMonth = new DateOnly(Today.Year, Today.Month, 1);
        var from = firstOfMonth.AddMonths(-4).AddDays(14);
        var to = firstOfMonth.AddMonths(-1);

        var answer = await GetJsonAsync($"api/adoption/golden-path?{Query(from, to)}");

        var months = answer.GetProperty("organisationByMonth").EnumerateArray().Select(month => month.GetProperty("partial").GetBoolean()).ToList();
        Assert.Equal([true, false, false], months);
        Assert.All(answer.GetProperty("teamsByMonth").EnumerateArray(), month =>
            Assert.Equal(month.GetProperty("month").GetString() == from.AddDays(-14).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), month.GetProperty("partial").GetBoolean()));
    }

    [Fact]
    public async Task A_window_without_a_whole_week_has_no_weekly_median_in_the_api()
    {
        // Wednesday to Wednesday, five weeks ago: seven days, two cut weeks, no whole one; the demo deploys every week.
        var from = MondayOf(Today).AddDays(-33);

        var result = await app.Http.GetDoraAsync(Start(from), Start(from.AddDays(7)));

        Assert.True(result.Organisation.DeploymentFrequency.Deployments > 0);
        Assert.Null(result.Organisation.DeploymentFrequency.MedianDeploymentDaysPerWeek);
        // A whole week in the window gives a number again.
        var week = await app.Http.GetDoraAsync(Start(MondayOf(from)), Start(MondayOf(from).AddDays(7)));
        Assert.NotNull(week.Organisation.DeploymentFrequency.MedianDeploymentDaysPerWeek);
    }

    [Fact]
    public async Task The_key_cards_say_no_sample_for_the_weekly_median_of_six_days()
    {
        // Six days never hold a whole week, whatever day today is.
        await using var context = NewContext(app);
        context.RenderPrerendered();
        context.NavigateTo("/dashboards/leadership?days=6");
        var page = context.Render<DashboardPage>(parameters => parameters.Add(p => p.Name, "leadership"));

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=weekly-median]")), RenderTimeout);
        Assert.Equal("no sample", page.Find("[data-testid=weekly-median]").TextContent.Trim());
    }

    [Fact]
    public async Task The_monthly_report_of_the_current_month_is_marked_partial_and_a_past_month_is_not()
    {
        var current = new DateOnly(Today.Year, Today.Month, 1);
        var past = current.AddMonths(-2);

        var currentKeys = (await app.Http.GetStringAsync($"api/reports/monthly/keys-trend.csv?month={current:yyyy-MM}")).Split('\n');
        var pastKeys = (await app.Http.GetStringAsync($"api/reports/monthly/keys-trend.csv?month={past:yyyy-MM}")).Split('\n');

        Assert.EndsWith(",partial", currentKeys[0]);
        Assert.All(currentKeys[1..^1], line => Assert.EndsWith(",true", line));
        Assert.All(pastKeys[1..^1], line => Assert.EndsWith(",false", line));
        // The report's twelve-month trend ends with the current month, cut by now.
        var trend = PanelExportClient.ParseSeries(await app.Http.GetStringAsync($"api/reports/monthly/deployments.csv?month={current:yyyy-MM}"));
        Assert.True(trend.Rows[^1].Partial);
        Assert.All(trend.Rows.SkipLast(1), row => Assert.False(row.Partial));

        await using var context = NewContext(app);
        // As prerendered: the charts are drawn on the server.
        context.RenderPrerendered();
        context.NavigateTo($"/reports/monthly?month={current:yyyy-MM}");
        var page = context.Render<MonthlyReportPage>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=partial-month]")), RenderTimeout);
        Assert.Equal("(partial)", page.Find("[data-testid=partial-month]").TextContent.Trim());
        Assert.Equal(Analytics.Web.Utils.Figures.PartialExplained, page.Find("[data-testid=partial-month]").GetAttribute("title"));
        // The series charts mark the current month too: drawn with "*" and explained, or, while under half of it is over,
        // not drawn and named under the chart (docs/dashboards.md, partial buckets on charts).
        var drawn = trend.Rows[^1].Drawn;
        page.WaitForAssertion(() => Assert.Single(page.FindAll(drawn ? "[data-testid=deployments-partial]" : "[data-testid=deployments-not-drawn]")), RenderTimeout);
        Assert.Empty(page.FindAll(drawn ? "[data-testid=deployments-not-drawn]" : "[data-testid=deployments-partial]"));
    }
}
