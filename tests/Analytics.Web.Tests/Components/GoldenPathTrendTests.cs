using System.Globalization;
using Analytics.Core.Calendar;
using Analytics.Core.Space;
using Analytics.Web.Components.Pages;
using Analytics.Web.Utils;
using Bunit;
using Microsoft.AspNetCore.Components;
using static Analytics.Web.Tests.Components.AppComponents;

namespace Analytics.Web.Tests.Components;

/// <summary>Golden-path adoption over time on the platform PM dashboard, as AdoptionQueries computes it over the real store.</summary>
[Collection(AnalyticsAppCollection.Name)]
public sealed class GoldenPathTrendTests(AnalyticsAppFixture app)
{
    [Fact]
    public async Task Adoption_by_month_shows_the_organisation_trend_and_every_team_month_by_month()
    {
        await using var context = NewContext(app);
        // As in the browser once the circuit is up (the charts measure themselves then).
        context.Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        context.NavigateTo("/dashboards/platform-pm");
        var page = context.Render<DashboardPage>(parameters => parameters.Add(p => p.Name, "platform-pm"));
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=window]")), RenderTimeout);
        var window = OverviewText.ParseWindow(page.Find("[data-testid=window]").TextContent);
        var expected = await app.Services.GetRequiredService<AdoptionQueries>().GoldenPathAsync(new SpaceRequest(window.From, window.To));
        Assert.True(expected.OrganisationByMonth.Count >= 6, $"only {expected.OrganisationByMonth.Count} months: the trend proves little");
        Assert.Contains(expected.OrganisationByMonth, month => month.Rate is > 0 and < 1);

        // Each team's row: one cell per month, the rate and the active services behind it.
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=golden-path-by-month] tbody tr")), RenderTimeout);
        var headers = page.FindAll("[data-testid=golden-path-by-month] thead th").Select(th => th.TextContent.Trim()).ToList();
        Assert.Equal(expected.OrganisationByMonth.Select(m => Figures.Bucket(m.Month!.Value.ToString("yyyy-MM", CultureInfo.InvariantCulture), m.Partial)), headers.Skip(1));
        // The window ends at today's midnight: the current month is cut (unless today is the 1st), so the last column is
        // marked; the middle ones are whole.
        Assert.Equal(window.To.Day != 1, expected.OrganisationByMonth[^1].Partial);
        Assert.Equal(window.To.Day != 1, headers[^1].EndsWith(" (partial)", StringComparison.Ordinal));
        Assert.All(expected.OrganisationByMonth.Skip(1).SkipLast(1), month => Assert.False(month.Partial));
        var teams = expected.TeamsByMonth.GroupBy(f => f.Team).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        var rows = page.FindAll("[data-testid=golden-path-by-month] tbody tr");
        Assert.Equal(teams.Count, rows.Count);
        for (var i = 0; i < teams.Count; i++)
        {
            var cells = rows[i].QuerySelectorAll("td").Select(td => OverviewText.Normalise(td.TextContent)).ToList();
            Assert.Equal(teams[i].Key, cells[0]);
            var byMonth = teams[i].ToDictionary(f => f.Month!.Value);
            var months = expected.OrganisationByMonth.Select(m => m.Month!.Value).ToList();
            for (var m = 0; m < months.Count; m++)
            {
                var text = byMonth.GetValueOrDefault(months[m]) is { } figure ? $"{Figures.Percent(figure.Rate)} n={figure.ActiveServices}" : "no active service";
                Assert.Equal(text, cells[m + 1]);
            }
        }

        // The organisation's trend: a chart, and one click away the same numbers as a table.
        Assert.Single(page.FindAll("[data-testid=golden-path-trend-chart]"));
        var chart = page.Find("[data-testid=golden-path-trend-chart]").TextContent;
        var withChart = page.Markup;
        page.Find("[data-testid=golden-path-trend-toggle]").Click();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=golden-path-trend-table]")), RenderTimeout);
        var trend = page.FindAll("[data-testid=golden-path-trend-table] tbody tr")
            .Select(tr => tr.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToList()).ToList();
        // Every month is in the table with its days in the period; a month with under half of them is marked not drawn.
        Assert.Equal(
            expected.OrganisationByMonth.Select(m => new[]
            {
                Figures.Bucket(m.Month!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), m.Partial, PartialBuckets.IsDrawn(m.DaysInPeriod, m.Days)),
                m.Rate is { } rate ? Figures.Percent(rate) : "no sample",
                Figures.BucketDays(m.DaysInPeriod, m.Days),
            }),
            trend.Select(cells => cells.ToArray()));
        Assert.All(expected.OrganisationByMonth.Where(m => !m.Partial), m => Assert.Equal(m.Days, m.DaysInPeriod));

        // The chart's axis leaves out exactly the months with under half their days, and the note under it names them.
        var shortMonths = expected.OrganisationByMonth.Where(m => !PartialBuckets.IsDrawn(m.DaysInPeriod, m.Days)).ToList();
        foreach (var month in expected.OrganisationByMonth)
        {
            var date = month.Month!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            Assert.Equal(!shortMonths.Contains(month), chart.Contains(Figures.AxisBucket(date, month.Partial), StringComparison.Ordinal));
        }
        Assert.All(shortMonths, m => Assert.Contains($"month of {m.Month!.Value:yyyy-MM-dd} ({Figures.BucketDays(m.DaysInPeriod, m.Days)} days in the period)", withChart, StringComparison.Ordinal));
    }
}
