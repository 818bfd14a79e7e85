using System.Globalization;
using Analytics.Core.Calendar;
using Analytics.Web.Components.Pages;
using Analytics.Web.Queries;
using Analytics.Web.Utils;
using Bunit;
using static Analytics.Web.Tests.Components.AppComponents;

namespace Analytics.Web.Tests.Components;

/// <summary>
/// Where each key figure is heading, over the real store: the cards' change against the previous period of the same
/// length equals the figures' own query over that period, the sparklines are the weekly series' whole weeks, the charts
/// draw their tier bounds and lead from a point to its rows, and every chart has its table as a text alternative.
/// </summary>
[Collection(AnalyticsAppCollection.Name)]
public sealed class KeyTrendTests(AnalyticsAppFixture app)
{
    private DoraQueries Queries => app.Services.GetRequiredService<DoraQueries>();

    private DoraTierTable Tiers => app.Services.GetRequiredService<DoraTierChoice>().Configured;

    [Fact]
    public async Task Team_cards_show_the_change_against_the_previous_90_days_and_the_weekly_sparkline()
    {
        var window = DefaultWindow();
        var team = (await Queries.SummariesAsync(new DoraRequest(window.From, window.To))).Teams
            .OrderByDescending(summary => summary.DeploymentFrequency.Deployments).First().Team;
        await using var context = NewContext(app);
        var page = RenderTeam(context, team, $"/teams/{team}");
        Assert.Equal(window, WindowOf(page));

        var now = (await Queries.SummariesAsync(new DoraRequest(window.From, window.To, team))).WithTiers(Tiers).Teams.Single();
        var before = (await Queries.SummariesAsync(new DoraRequest(window.From.AddDays(-90), window.From, team))).WithTiers(Tiers).Teams.Single();
        Assert.True(before.DeploymentFrequency.Deployments > 0, $"{team} deployed nothing in the 90 days before {window.From:yyyy-MM-dd}");

        Assert.Equal(Relative(now.DeploymentFrequency.DeploymentsPerDay, before.DeploymentFrequency.DeploymentsPerDay, lowerIsBetter: false), ChangeOf(page, "deployment-frequency"));
        Assert.Equal(Relative(now.LeadTime.Median!.Value.TotalHours, before.LeadTime.Median!.Value.TotalHours, lowerIsBetter: true), ChangeOf(page, "lead-time"));
        Assert.Equal(Points(now.ChangeFailureRate.Rate!.Value, before.ChangeFailureRate.Rate!.Value), ChangeOf(page, "change-failure-rate"));
        Assert.Equal(Points(now.ReworkRate.Rate!.Value, before.ReworkRate.Rate!.Value), ChangeOf(page, "rework-rate"));

        // The sparklines: the team's weekly series (dora/series.sql), whole weeks only, oldest first.
        var weeks = (await Queries.SeriesAsync(new DoraRequest(window.From, window.To, team), Granularity.Week))
            .Where(point => point.Team == team && !point.Partial).ToList();
        Assert.InRange(weeks.Count, 12, 13);
        Assert.Equal(string.Join(' ', weeks.Select(point => point.Deployments.ToString(CultureInfo.InvariantCulture))), SparklineOf(page, "deployment-frequency").GetAttribute("data-values"));
        Assert.Equal(string.Join(' ', weeks.Select(point => point.LeadTimeMedian is { } lead ? lead.TotalHours.ToString("R", CultureInfo.InvariantCulture) : "-")),
            SparklineOf(page, "lead-time").GetAttribute("data-values"));
        // Its text alternative names every week and its value.
        var first = weeks[0];
        Assert.StartsWith($"Trend, deployments a week, by week: {first.Bucket:yyyy-MM-dd} {first.Deployments};",
            SparklineOf(page, "deployment-frequency").GetAttribute("aria-label"), StringComparison.Ordinal);
        Assert.Equal("img", SparklineOf(page, "deployment-frequency").GetAttribute("role"));
        // The rework rate has no weekly series: a change, no sparkline.
        Assert.Empty(page.FindAll("[data-testid=rework-rate] [data-testid=sparkline]"));

        // The team-lead dashboard's cards say the same.
        await using var dashboardContext = NewContext(app);
        dashboardContext.RenderInteractively();
        dashboardContext.NavigateTo($"/dashboards/team-lead?team={team}");
        var dashboard = dashboardContext.Render<DashboardPage>(parameters => parameters.Add(p => p.Name, "team-lead"));
        dashboard.WaitForAssertion(() => Assert.Equal(5, dashboard.FindAll("[data-testid=change]").Count), RenderTimeout);
        Assert.Equal(page.FindAll("[data-testid=change]").Select(e => e.TextContent.Trim()), dashboard.FindAll("[data-testid=change]").Select(e => e.TextContent.Trim()));
    }

    [Fact]
    public async Task A_period_at_the_start_of_the_history_has_no_earlier_figure_to_compare_with()
    {
        var window = DefaultWindow();
        var team = (await Queries.SummariesAsync(new DoraRequest(window.From, window.To))).Teams
            .OrderByDescending(summary => summary.DeploymentFrequency.Deployments).First().Team;
        // The team's first month with a deployment: the 30 days before it hold none.
        var months = await Queries.SeriesAsync(new DoraRequest(window.To.AddDays(-3650), window.To, team), Granularity.Month);
        var firstMonth = months.Where(point => point.Team == team && point.Deployments > 0).Min(point => point.Bucket);
        var days = await Queries.SeriesAsync(new DoraRequest(Utc(firstMonth), Utc(firstMonth.AddMonths(1)), team), Granularity.Day);
        var from = days.Where(point => point.Team == team && point.Deployments > 0).Min(point => point.Bucket);
        var to = from.AddDays(30);
        Assert.Equal(0, (await Queries.SummariesAsync(new DoraRequest(Utc(from).AddDays(-30), Utc(from), team))).Organisation.DeploymentFrequency.Deployments);

        await using var context = NewContext(app);
        var page = RenderTeam(context, team, $"/teams/{team}?from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}");
        Assert.Equal((Utc(from), Utc(to)), WindowOf(page));
        Assert.Equal("no earlier figure (previous 30 days)", ChangeOf(page, "deployment-frequency"));
        Assert.NotEqual("0 / day", page.Find("[data-testid=deployment-frequency] [data-testid=figure]").TextContent.Trim());
    }

    [Fact]
    public async Task The_organisations_cards_on_the_overview_show_their_trend()
    {
        var window = DefaultWindow();
        await using var context = NewContext(app);
        context.NavigateTo("/");
        var page = context.Render<Overview>();
        page.WaitForAssertion(() => Assert.Equal(5, page.FindAll("[data-testid=change]").Count), RenderTimeout);
        var now = (await Queries.SummariesAsync(new DoraRequest(window.From, window.To))).Organisation;
        var before = (await Queries.SummariesAsync(new DoraRequest(window.From.AddDays(-90), window.From))).Organisation;
        Assert.Equal(Relative(now.DeploymentFrequency.DeploymentsPerDay, before.DeploymentFrequency.DeploymentsPerDay, lowerIsBetter: false), ChangeOf(page, "deployment-frequency"));
        Assert.Equal(4, page.FindAll("[data-testid=sparkline]").Count);
    }

    [Fact]
    public async Task A_weekly_chart_draws_its_tier_bounds_has_its_table_and_a_point_leads_to_that_weeks_rows()
    {
        var window = DefaultWindow();
        var team = (await Queries.SummariesAsync(new DoraRequest(window.From, window.To))).Teams
            .OrderByDescending(summary => summary.DeploymentFrequency.Deployments).First().Team;
        await using var context = NewContext(app);
        // Prerendered: the chart knows its size and draws on the server.
        context.RenderPrerendered();
        context.NavigateTo($"/teams/{team}");
        var page = context.Render<TeamPage>(parameters => parameters.Add(p => p.Team, team));
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=lead-time-chart]")), RenderTimeout);

        // The configured year's (2023) bounds, in words, and the lines within the chart's range labelled in the chart.
        Assert.Equal("Dashed lines: Tier bounds (DORA 2023): Elite: under 24.0 h; High: under 7.0 d; Medium: under 30.0 d.",
            OverviewText.Normalise(page.Find("[data-testid=lead-time-thresholds]").TextContent));
        Assert.Equal("Dashed lines: Tier bounds (DORA 2023): Elite: at most 5.0%; High: at most 10.0%; Medium: at most 15.0%.",
            OverviewText.Normalise(page.Find("[data-testid=change-failure-rate-thresholds]").TextContent));
        var chartText = page.Find("[data-testid=change-failure-rate-chart]").TextContent;
        Assert.Contains("Elite: at most 5.0%", chartText, StringComparison.Ordinal);
        Assert.Contains("Medium: at most 15.0%", chartText, StringComparison.Ordinal);

        // The chart's text alternative: a focusable figure described by its table.
        var figure = page.Find("[data-testid=deployments-figure]");
        Assert.Equal("0", figure.GetAttribute("tabindex"));
        var table = page.Find("[data-testid=deployments-data]");
        Assert.Equal(figure.GetAttribute("aria-describedby"), table.Id);
        var series = (await Queries.SeriesAsync(new DoraRequest(window.From, window.To, team), Granularity.Week)).Where(point => point.Team == team).ToList();
        var rows = table.QuerySelectorAll("tbody tr");
        Assert.Equal(series.Count, rows.Length);

        // A whole week with deployments: its link is the team page for that week, whose rows are that week's deployments.
        var index = series.FindIndex(point => !point.Partial && point.Deployments > 0);
        var week = series[index];
        var link = rows[index].QuerySelector("a[data-testid=point-link]")!;
        Assert.Equal($"teams/{team}?from={week.Bucket:yyyy-MM-dd}&to={week.Bucket.AddDays(7):yyyy-MM-dd}", link.GetAttribute("href"));
        Assert.Equal(week.Deployments.ToString(CultureInfo.InvariantCulture), rows[index].QuerySelector("td")!.TextContent.Trim());

        await using var weekContext = NewContext(app);
        var weekPage = RenderTeam(weekContext, team, "/" + link.GetAttribute("href"));
        Assert.Equal((Utc(week.Bucket), Utc(week.Bucket.AddDays(7))), WindowOf(weekPage));
        Assert.Equal($"Deployments ({week.Deployments})", weekPage.Find("[data-testid=drill-down] [role=tab] .rz-tabview-title").TextContent.Trim());
        Assert.Equal(week.Deployments, weekPage.ReadAllPages("deployments").Count);
    }

    [Fact]
    public async Task The_team_page_shows_each_pr_cycle_phase_week_by_week_as_the_figures_query_gives_it()
    {
        var window = DefaultWindow();
        var team = (await Queries.SummariesAsync(new DoraRequest(window.From, window.To))).Teams
            .OrderByDescending(summary => summary.DeploymentFrequency.Deployments).First().Team;
        await using var context = NewContext(app);
        var page = RenderTeam(context, team, $"/teams/{team}");

        // Whole Monday-to-Monday weeks inside the window, each read through pr/cycle_time.sql on its own.
        var pullRequests = app.Services.GetRequiredService<PullRequestQueries>();
        var monday = window.From.AddDays(((int)DayOfWeek.Monday - (int)window.From.DayOfWeek + 7) % 7);
        var expected = new List<string>();
        var measured = 0;
        for (var start = monday; start.AddDays(7) <= window.To; start = start.AddDays(7))
        {
            var week = (await pullRequests.CycleTimeAsync(new DoraRequest(start, start.AddDays(7), team))).GetValueOrDefault(team);
            measured += week?.Pickup.Median is null ? 0 : 1;
            expected.Add($"{start:yyyy-MM-dd} {(week?.Pickup.Median is { } median ? Figures.Duration(median) : "no sample")}");
        }
        Assert.InRange(expected.Count, 12, 13);
        Assert.True(measured >= 6, $"{team}'s pickup was measured in only {measured} weeks");
        var rows = page.FindAll("[data-testid=phase-pickup-data] tbody tr")
            .Select(row => OverviewText.Normalise(row.TextContent)).ToList();
        Assert.Equal(expected, rows);
        Assert.Equal(4, page.FindAll("[data-testid=cycle-time-trend] [role=img]").Count);
    }

    [Fact]
    public async Task The_golden_path_chart_plots_percentages_on_a_whole_0_to_100_percent_axis()
    {
        await using var context = NewContext(app);
        context.RenderPrerendered();
        context.NavigateTo("/dashboards/platform-pm");
        var page = context.Render<DashboardPage>(parameters => parameters.Add(p => p.Name, "platform-pm"));
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=golden-path-trend-chart] svg")), RenderTimeout);
        var ticks = page.FindAll("[data-testid=golden-path-trend-chart] .rz-value-axis text").Select(text => text.TextContent.Trim()).Where(text => text.Length > 0).ToList();
        Assert.NotEmpty(ticks);
        Assert.All(ticks, tick => Assert.EndsWith("%", tick, StringComparison.Ordinal));
        Assert.Equal("0%", ticks[0]);
        Assert.Equal("100%", ticks[^1]);
        // The table still writes each month's share as the figure is written.
        Assert.Contains("%", page.Find("[data-testid=golden-path-trend-data] tbody td").TextContent, StringComparison.Ordinal);
    }

    private static (DateTimeOffset From, DateTimeOffset To) DefaultWindow()
    {
        var to = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero);
        return (to.AddDays(-Period.DefaultDays), to);
    }

    private static DateTimeOffset Utc(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    private static string ChangeOf<TPage>(IRenderedComponent<TPage> page, string card) where TPage : Microsoft.AspNetCore.Components.IComponent =>
        page.Find($"[data-testid={card}] [data-testid=change]").TextContent.Trim();

    private static AngleSharp.Dom.IElement SparklineOf<TPage>(IRenderedComponent<TPage> page, string card) where TPage : Microsoft.AspNetCore.Components.IComponent =>
        page.Find($"[data-testid={card}] [data-testid=sparkline]");

    /// <summary>The change as a share of the earlier figure, worked here rather than by KeyChange.</summary>
    private static string Relative(double now, double before, bool lowerIsBetter)
    {
        var share = (int)Math.Round((now - before) / before * 100, MidpointRounding.AwayFromZero);
        return share == 0 ? "no change vs previous 90 days"
            : $"{(share > 0 ? "▲" : "▼")} {Math.Abs(share)}% vs previous 90 days: {((share > 0) != lowerIsBetter ? "better" : "worse")}";
    }

    /// <summary>A rate's change in percentage points; lower is better.</summary>
    private static string Points(double now, double before)
    {
        var points = Math.Round((now - before) * 100, 1, MidpointRounding.AwayFromZero);
        return points == 0 ? "no change vs previous 90 days"
            : $"{(points > 0 ? "▲" : "▼")} {Math.Abs(points).ToString("0.0", CultureInfo.InvariantCulture)} pp vs previous 90 days: {(points > 0 ? "worse" : "better")}";
    }
}
