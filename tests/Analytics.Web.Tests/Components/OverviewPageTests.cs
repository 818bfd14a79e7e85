using AngleSharp.Dom;
using Analytics.Web.Components.Pages;
using Analytics.Web.Utils;
using Analytics.Web.Components.Shared;
using Bunit;
using Microsoft.AspNetCore.Components;
using static Analytics.Web.Tests.Components.AppComponents;

namespace Analytics.Web.Tests.Components;

/// <summary>
/// The overview page rendered by bUnit over the real store the demo filled (no mocks): the app's own
/// service registration pointed at the fixture's database, Radzen's services, JS interop answered loosely.
/// Expected figures come from DoraQueries for the window the page reports.
/// </summary>
[Collection(AnalyticsAppCollection.Name)]
public sealed class OverviewPageTests(AnalyticsAppFixture app)
{
    [Fact]
    public async Task Cards_show_the_organisations_figures_as_Figures_writes_them()
    {
        await using var context = NewContext();
        var earliest = Period.Resolve(null, null, null, TimeProvider.System);
        var page = RenderAt(context, "/");
        var latest = Period.Resolve(null, null, null, TimeProvider.System);

        var window = WindowOf(page);
        Assert.Contains(new Period(window.From, window.To), new[] { earliest, latest });
        var expected = await ExpectedAsync(window);

        var figures = OverviewText.FiguresOf(expected.Organisation);
        var tiers = OverviewText.TiersOf(expected.Organisation);
        foreach (var card in OverviewText.Cards)
        {
            var element = page.Find($"[data-testid={card}]");
            Assert.Equal(figures[card], element.QuerySelector("[data-testid=figure]")!.TextContent.Trim());
            var badge = Assert.Single(element.QuerySelectorAll("[data-tier]"));
            Assert.Equal(tiers[card], badge.GetAttribute("data-tier"));
        }
        var caption = OverviewText.Normalise(page.Find("[data-testid=deployment-frequency] p").TextContent);
        Assert.StartsWith($"{expected.Organisation.DeploymentFrequency.Deployments} deployments;", caption);
        var recovery = expected.Organisation.RecoveryTime;
        Assert.True(recovery.Restored > 0, "the demo window has no restored deployment, so the caption proves little");
        Assert.Equal(
            $"Failed deployment → restoring deployment: {Figures.Duration(recovery.RestoreMedian)} median ({recovery.RestoreTier?.ToString() ?? "no tier"}, {recovery.RestoreTierYear} tiers), n = {recovery.Restored} restored; {recovery.AwaitingRestore} awaiting a restore.",
            OverviewText.Normalise(page.Find("[data-testid=restore-time]").TextContent));
        Assert.Equal(
            $"Time to restore service (incident started → resolved): {Figures.Duration(recovery.Median)} median ({recovery.Tier?.ToString() ?? "no tier"}, {recovery.TierYear} tiers), n = {recovery.Resolved} incidents resolved; {recovery.Open} still open.",
            OverviewText.Normalise(page.Find("[data-testid=time-to-restore-service]").TextContent));
        Assert.Empty(page.FindAll("[data-testid=error]"));
    }

    [Fact]
    public async Task Team_grid_has_one_row_per_team_with_its_figures()
    {
        await using var context = NewContext();
        var page = RenderAt(context, "/");
        var expected = await ExpectedAsync(WindowOf(page));

        var rows = page.FindAll("[data-testid=teams] tbody tr");
        Assert.Equal(expected.Teams.Count, rows.Count);
        Assert.True(expected.Teams.Count >= AnalyticsAppFixture.Scale.Teams, $"only {expected.Teams.Count} teams");
        foreach (var (row, team) in rows.Zip(expected.Teams))
        {
            var cells = row.QuerySelectorAll("td").Select(cell => OverviewText.Normalise(cell.TextContent)).ToList();
            Assert.Equal(5, cells.Count);
            Assert.Equal(team.Team, cells[0]);
            var figures = OverviewText.FiguresOf(team);
            Assert.StartsWith(Figures.Number(team.DeploymentFrequency.DeploymentsPerDay) + " ", cells[1]);
            Assert.StartsWith(figures["lead-time"] + " ", cells[2]);
            Assert.EndsWith($"n={team.LeadTime.Changes}", cells[2]);
            Assert.StartsWith(figures["change-failure-rate"] + " ", cells[3]);
            Assert.EndsWith($"n={team.ChangeFailureRate.Deployments}", cells[3]);
            Assert.StartsWith(figures["recovery-time"] + " ", cells[4]);
            Assert.EndsWith($"n={team.RecoveryTime.KeySample}", cells[4]);
            Assert.Equal(OverviewText.Cards.Select(card => OverviewText.TiersOf(team)[card]), row.QuerySelectorAll("[data-tier]").Select(badge => badge.GetAttribute("data-tier")));
        }
    }

    [Fact]
    public async Task Days_in_the_query_string_sets_the_window_and_a_new_query_string_moves_it()
    {
        await using var context = NewContext();
        var navigation = context.Services.GetRequiredService<NavigationManager>();
        var page = RenderAt(context, "/?days=30");

        var thirty = WindowOf(page);
        Assert.Equal(30, (thirty.To - thirty.From).TotalDays);
        var expected30 = await ExpectedAsync(thirty);
        Assert.Equal(OverviewText.FiguresOf(expected30.Organisation)["deployment-frequency"], FigureOf(page, "deployment-frequency"));
        Assert.Equal("Last 30 days", page.Find("[data-testid=period] .rz-dropdown-label").TextContent.Trim());

        // The 90-day figures differ, so seeing the 30-day ones shows the parameter was used.
        var expected90 = await ExpectedAsync((thirty.To.AddDays(-90), thirty.To));
        Assert.NotEqual(expected90.Organisation.DeploymentFrequency.Deployments, expected30.Organisation.DeploymentFrequency.Deployments);

        navigation.NavigateTo(navigation.GetUriWithQueryParameter("days", 180));
        page.WaitForAssertion(() => Assert.Equal(180, (WindowOf(page).To - WindowOf(page).From).TotalDays), RenderTimeout);
        var expected180 = await ExpectedAsync(WindowOf(page));
        foreach (var (card, figure) in OverviewText.FiguresOf(expected180.Organisation))
        {
            Assert.Equal(figure, FigureOf(page, card));
        }
        Assert.Equal(expected180.Teams.Count, page.FindAll("[data-testid=teams] tbody tr").Count);
    }

    [Fact]
    public async Task Choosing_a_period_in_the_dropdown_puts_days_in_the_url()
    {
        await using var context = NewContext();
        var navigation = context.Services.GetRequiredService<NavigationManager>();
        var page = RenderAt(context, "/");
        Assert.Equal(Period.DefaultDays, (WindowOf(page).To - WindowOf(page).From).TotalDays);

        page.Find("[data-testid=period] li[aria-label='Last 365 days']").Click();

        // Radzen handles the click asynchronously: the navigation may come after Click returns.
        page.WaitForAssertion(() => Assert.Equal("365", System.Web.HttpUtility.ParseQueryString(new Uri(navigation.Uri).Query)["days"]), RenderTimeout);
        page.WaitForAssertion(() => Assert.Equal(365, (WindowOf(page).To - WindowOf(page).From).TotalDays), RenderTimeout);
        var expected = await ExpectedAsync(WindowOf(page));
        Assert.Equal(OverviewText.FiguresOf(expected.Organisation)["lead-time"], FigureOf(page, "lead-time"));
    }

    [Theory]
    [InlineData("/?days=abc")]
    [InlineData("/?days=0")]
    [InlineData("/?days=-7")]
    [InlineData("/?days=4000")]
    public async Task A_days_value_that_is_not_a_sensible_number_means_the_default_period(string uri)
    {
        await using var context = NewContext();
        var page = RenderAt(context, uri);
        var window = WindowOf(page);
        Assert.Equal(Period.DefaultDays, (window.To - window.From).TotalDays);
        var expected = await ExpectedAsync(window);
        Assert.Equal(OverviewText.FiguresOf(expected.Organisation)["change-failure-rate"], FigureOf(page, "change-failure-rate"));
    }

    [Fact]
    public async Task Tier_badges_write_the_tier_as_text()
    {
        await using var context = NewContext();
        var page = RenderAt(context, "/?days=365");
        var expected = await ExpectedAsync(WindowOf(page));

        var badges = page.FindAll("[data-tier]");
        Assert.Equal(4 * (1 + expected.Teams.Count), badges.Count);
        foreach (var badge in badges)
        {
            var tier = badge.GetAttribute("data-tier")!;
            Assert.Equal(OverviewText.TierText(tier), badge.TextContent.Trim());
            if (tier != "none")
            {
                Assert.Equal($"DORA tier: {tier}", badge.GetAttribute("title"));
            }
        }
        // The page shows exactly the tiers the figures have: none lost, none invented.
        var expectedTiers = expected.Teams.Prepend(expected.Organisation).SelectMany(summary => OverviewText.TiersOf(summary).Values).ToHashSet();
        Assert.Equal(expectedTiers.Order(), badges.Select(badge => badge.GetAttribute("data-tier")!).ToHashSet().Order());
        Assert.True(expectedTiers.Count >= 2, "the demo should show more than one tier");
    }

    [Theory]
    // Okabe–Ito colours, told apart by colour-blind readers (the theme's green and red are not), and the name in text.
    [InlineData(DoraTier.Elite, "tier-elite", "#009e73")]
    [InlineData(DoraTier.High, "tier-high", "#56b4e9")]
    [InlineData(DoraTier.Medium, "tier-medium", "#e69f00")]
    [InlineData(DoraTier.Low, "tier-low", "#d55e00")]
    [InlineData(null, "rz-badge-light", null)]
    public async Task A_tier_badge_is_never_colour_alone(DoraTier? tier, string styleClass, string? colour)
    {
        await using var context = NewContext();
        var badge = context.Render<TierBadge>(parameters => parameters.Add(component => component.Tier, tier)).Find("[data-tier]");

        Assert.Equal(OverviewText.TierAttribute(tier), badge.GetAttribute("data-tier"));
        Assert.Equal(tier?.ToString() ?? "no sample", badge.TextContent.Trim());
        Assert.Contains(styleClass, badge.ClassList);
        if (colour is not null)
        {
            Assert.Contains($"background-color: {colour}", badge.GetAttribute("style"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_team_with_no_deployments_in_the_window_has_no_deployment_frequency_tier_and_n_0()
    {
        // A quarter before the demo's history: the team exists, but nothing was deployed.
        var from = new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var idle = await app.Http.GetTeamDoraAsync("checkout", from, from.AddDays(90));
        Assert.Equal(0, idle.DeploymentFrequency.Deployments);
        Assert.Null(idle.DeploymentFrequency.Tier);

        await using var context = NewContext();
        var card = context.Render<DoraKeyCards>(parameters => parameters.Add(component => component.Summary, idle)).Find("[data-testid=deployment-frequency]");

        var badge = card.QuerySelector("[data-tier]")!;
        Assert.Equal("none", badge.GetAttribute("data-tier"));
        Assert.Equal("no deployments in window", badge.TextContent.Trim());
        Assert.Equal("DORA 2023 · 2001-01-01 to 2001-03-31 · n = 0", card.QuerySelector("[data-testid=tier-basis]")!.TextContent.Trim());
    }

    [Theory]
    [InlineData("/?tiers=2021", "2021", 2021)]
    [InlineData("/?tiers=2024&days=180", "2024", 2024)]
    [InlineData("/?tiers=1999", "1999", 2023)] // no table for 1999: the configured year
    public async Task The_tier_year_in_the_url_tiers_every_figure_and_is_written_beside_each_tier(string uri, string written, int year)
    {
        await using var context = NewContext();
        var page = RenderAt(context, uri);
        var window = WindowOf(page);
        var expected = (await ExpectedAsync(window)).WithTiers(DoraTierTables.Get(year));

        Assert.Equal(OverviewText.TiersOf(expected.Organisation).Values, page.FindAll(".key-grid [data-tier]").Select(badge => badge.GetAttribute("data-tier")!));
        var bases = page.FindAll("[data-testid=tier-basis]").Select(basis => basis.TextContent.Trim()).ToList();
        var o = expected.Organisation;
        long[] samples = [o.DeploymentFrequency.Deployments, o.LeadTime.Changes, o.ChangeFailureRate.Deployments, o.RecoveryTime.KeySample];
        Assert.Equal(samples.Select(n => $"DORA {year} · {window.From:yyyy-MM-dd} to {window.To.AddDays(-1):yyyy-MM-dd} · n = {n}"), bases);
        var source = page.Find("[data-testid=tier-source]");
        Assert.Contains(DoraTierTables.Get(year).Source.Report, source.TextContent);
        Assert.Equal(DoraTierTables.Years.Where(y => y != year).Select(y => $"tiers-{y}"), source.QuerySelectorAll("a[data-testid]").Select(a => a.GetAttribute("data-testid")));
        // The team links keep the year as the reader wrote it.
        Assert.All(page.FindAll("[data-testid=teams] a[href^='teams/']"), link => Assert.EndsWith($"&tiers={written}", link.GetAttribute("href")));
    }

    [Theory]
    [InlineData(DoraBreakdown.Service, "Service", "Services")]
    [InlineData(DoraBreakdown.Repository, "Repository", "Repositories")]
    public async Task By_in_the_url_breaks_the_table_down_by_service_or_repository_and_the_switch_links_each_breakdown(DoraBreakdown by, string column, string heading)
    {
        await using var context = NewContext();
        var page = RenderAt(context, $"/?days=180&tiers=2021&by={by.Name()}");
        var window = WindowOf(page);
        var expected = (await app.Services.GetRequiredService<DoraQueries>().SummariesAsync(new DoraRequest(window.From, window.To) { By = by })).WithTiers(DoraTierTables.Get(2021));

        Assert.Contains(heading, page.FindAll("h2").Select(h => h.TextContent.Trim()));
        Assert.Equal(column, OverviewText.Normalise(page.Find("[data-testid=teams] thead th").TextContent));
        // More rows than a page (TeamsTable.PageSize): the first page rendered, every row a click of the pager away.
        var rows = page.FindAll("[data-testid=teams] tbody tr");
        Assert.True(expected.Teams.Count > AnalyticsAppFixture.Scale.Teams, $"{expected.Teams.Count} {by} rows for {AnalyticsAppFixture.Scale.Teams} teams");
        Assert.Equal(expected.Teams.Take(TeamsTable.PageSize).Select(row => row.Team), rows.Select(row => OverviewText.Normalise(row.QuerySelector("td")!.TextContent)));
        foreach (var (row, unit) in rows.Zip(expected.Teams))
        {
            Assert.EndsWith($"n={unit.LeadTime.Changes}", OverviewText.Normalise(row.QuerySelectorAll("td")[2].TextContent));
            Assert.Equal(OverviewText.Cards.Select(card => OverviewText.TiersOf(unit)[card]), row.QuerySelectorAll("[data-tier]").Select(badge => badge.GetAttribute("data-tier")));
        }
        // A service or repository is no team: no row links a team page.
        Assert.Empty(page.FindAll("[data-testid=teams] a[href^='teams/']"));
        Assert.Equal(expected.Teams.Select(row => row.Team), page.ReadAllPages("teams").Select(cells => cells[0]));
        // The switch: one link per breakdown keeping the period and tier year, built by the URL builder; the current one marked.
        Assert.Equal(Enum.GetValues<DoraBreakdown>().Select(b => DashboardUrls.OverviewUrl(180, "2021", b)),
            page.FindAll("[data-testid=breakdown] a").Select(link => link.GetAttribute("href")));
        Assert.Equal($"by {by.Name()}", page.Find("[data-testid=breakdown] a[aria-current=page]").TextContent.Trim());
        // The lead-time toggle keeps the breakdown (the configured unit is per commit: the toggle links per pull request).
        Assert.Equal(DashboardUrls.OrganisationUrl(180, "2021", LeadTimeUnit.PullRequest, by), page.Find($"a[data-testid=lead-time-unit-{LeadTimeUnit.PullRequest}]").GetAttribute("href"));
    }

    [Theory]
    [InlineData("/?leadTimeUnit=pull-request", LeadTimeUnit.PullRequest, "pull requests")]
    [InlineData("/?days=180&leadTimeUnit=commit", LeadTimeUnit.Commit, "commits")]
    [InlineData("/?leadTimeUnit=per-team", LeadTimeUnit.Commit, "commits")] // names no unit: the configured one
    public async Task The_lead_time_unit_in_the_url_picks_the_figure_the_page_names_and_every_link_keeps(string uri, string unit, string samples)
    {
        await using var context = NewContext();
        var page = RenderAt(context, uri);
        var window = WindowOf(page);
        var expected = await app.Services.GetRequiredService<DoraQueries>().SummariesAsync(new DoraRequest(window.From, window.To) { LeadTimeUnit = unit });

        Assert.Equal(OverviewText.FiguresOf(expected.Organisation)["lead-time"], FigureOf(page, "lead-time"));
        Assert.StartsWith($"n = {expected.Organisation.LeadTime.Changes} {samples};", OverviewText.Normalise(page.Find("[data-testid=lead-time] p").TextContent));
        Assert.Contains(unit == LeadTimeUnit.PullRequest ? "per pull request" : "per commit", page.Find("[data-testid=lead-time]").TextContent);
        // The toggle shows the unit used and links the other, keeping the period.
        var days = (int)(window.To - window.From).TotalDays;
        var other = unit == LeadTimeUnit.PullRequest ? LeadTimeUnit.Commit : LeadTimeUnit.PullRequest;
        Assert.Equal("true", page.Find($"[data-testid=lead-time-unit-{unit}]").GetAttribute("aria-current"));
        Assert.Equal(DashboardUrls.OrganisationUrl(days, null, other), page.Find($"a[data-testid=lead-time-unit-{other}]").GetAttribute("href"));
        // The breakdown links keep the unit asked for too.
        var asked = uri.Contains("leadTimeUnit=" + unit, StringComparison.Ordinal) ? unit : null;
        Assert.Equal(Enum.GetValues<DoraBreakdown>().Select(b => DashboardUrls.OverviewUrl(days, null, b, asked)),
            page.FindAll("[data-testid=breakdown] a").Select(link => link.GetAttribute("href")));
        var teamLinks = page.FindAll("[data-testid=teams] a[href^='teams/']");
        Assert.NotEmpty(teamLinks);
        Assert.All(teamLinks, link => Assert.Equal(uri.Contains("leadTimeUnit=" + unit, StringComparison.Ordinal), link.GetAttribute("href")!.EndsWith($"&leadTimeUnit={unit}", StringComparison.Ordinal)));
    }

    private BunitContext NewContext() => AppComponents.NewContext(app);

    private static IRenderedComponent<Overview> RenderAt(BunitContext context, string uri)
    {
        context.NavigateTo(uri);
        var page = context.Render<Overview>();
        page.WaitForAssertion(() => Assert.True(page.FindAll("[data-testid=window]").Count == 1 || page.FindAll("[data-testid=error]").Count == 1), RenderTimeout);
        var error = page.FindAll("[data-testid=error]");
        Assert.True(error.Count == 0, $"The page shows an error: {error.FirstOrDefault()?.TextContent}");
        return page;
    }

    private static (DateTimeOffset From, DateTimeOffset To) WindowOf(IRenderedComponent<Overview> page) =>
        OverviewText.ParseWindow(page.Find("[data-testid=window]").TextContent);

    private static string FigureOf(IRenderedComponent<Overview> page, string card) =>
        page.Find($"[data-testid={card}] [data-testid=figure]").TextContent.Trim();

    private Task<DoraResult> ExpectedAsync((DateTimeOffset From, DateTimeOffset To) window) =>
        app.Services.GetRequiredService<DoraQueries>().SummariesAsync(new DoraRequest(window.From, window.To));
}
