using Analytics.Core.Calendar;
using System.Globalization;
using System.Text.RegularExpressions;
using Analytics.Storage.Catalog;
using Analytics.Web.Dashboards;
using Analytics.Web.Utils;
using Microsoft.Playwright;
using static Analytics.Web.Tests.Browser.DashboardPages;

namespace Analytics.Web.Tests.Browser;

/// <summary>
/// The dashboards defined as data (dashboards/*.json), in a real browser against the real host: every panel of the
/// definition is on the page, each chart draws the numbers its CSV export holds, the table behind a chart holds the
/// same numbers, and the team-lead dashboard is reached by choosing a team. Screenshots go to
/// artifacts/screenshots/dashboard-*.png.
/// </summary>
[Collection(AnalyticsAppCollection.Name)]
public sealed class DashboardBrowserTests(AnalyticsAppFixture app, BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private DashboardCatalog Catalog => app.Services.GetRequiredService<DashboardCatalog>();

    [Fact]
    public async Task Leadership_shows_every_panel_and_its_charts_draw_the_exported_figures()
    {
        var definition = Catalog.Load("leadership")!;
        await using var session = await OpenAsync(browser, app, "/dashboards/leadership");
        var page = session.Page;

        Assert.Equal($"{definition.Title} — engineering metrics", await page.TitleAsync());
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(definition.Title);
        var window = await WindowAsync(page);
        Assert.Equal(definition.DefaultDays, (window.To - window.From).TotalDays);
        await AssertPanelsAsync(page, definition);

        var api = await app.Http.GetDoraAsync(window.From, window.To);
        await AssertCardsShowAsync(page, api.Organisation);

        // Teams per tier: for each key, the teams' tiers counted; every team is in exactly one column.
        var tierRows = page.Locator("[data-panel=tiers] [data-testid=tier-distribution] tbody tr");
        await Assertions.Expect(tierRows).ToHaveCountAsync(4);
        var teamRows = page.Locator("[data-panel=teams] [data-testid=teams] tbody tr");
        await Assertions.Expect(teamRows).ToHaveCountAsync(api.Teams.Count);
        Assert.True(api.Teams.Count >= AnalyticsAppFixture.Scale.Teams, $"only {api.Teams.Count} teams");
        var keys = new (string Key, Func<DoraSummary, DoraTier?> TierOf)[]
        {
            ("Deployment frequency", team => team.DeploymentFrequency.Tier),
            ("Lead time", team => team.LeadTime.Tier),
            ("Change failure rate", team => team.ChangeFailureRate.Tier),
            ("Recovery time", team => team.RecoveryTime.KeyTier),
        };
        Assert.Equal(["Key", "Elite", "High", "Medium", "Low", "no sample"],
            (await page.Locator("[data-panel=tiers] [data-testid=tier-distribution] thead th").AllInnerTextsAsync()).Select(text => text.Trim()));
        for (var i = 0; i < keys.Length; i++)
        {
            Assert.Equal(keys[i].Key, (await tierRows.Nth(i).Locator("th").InnerTextAsync()).Trim());
            var counts = (await tierRows.Nth(i).Locator("td").AllInnerTextsAsync()).Select(text => int.Parse(text.Trim(), CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(api.Teams.Count, counts.Sum());
            DoraTier?[] columns = [DoraTier.Elite, DoraTier.High, DoraTier.Medium, DoraTier.Low, null];
            Assert.Equal(columns.Select(tier => api.Teams.Count(team => keys[i].TierOf(team) == tier)), counts);
        }

        var days = (int)(window.To - window.From).TotalDays;
        var series = definition.Panels.Where(panel => panel.Kind == PanelKinds.DoraSeries).ToList();
        Assert.Equal(["column", "line"], series.Select(panel => panel.Chart).Distinct().Order());
        foreach (var panel in series)
        {
            await AssertChartDrawsTheExportAsync(page, definition, panel, days, team: null);
        }
        await session.ScreenshotWholePageAsync("dashboard-leadership");

        // The table behind each chart holds the export's numbers, written as the pages write them; the chart comes back.
        foreach (var panel in series)
        {
            await AssertTableShowsTheExportAsync(page, definition, panel, days, team: null);
        }
        await page.Locator("[data-panel=deployments]").ScreenshotAsync(new() { Path = ScreenshotPath("dashboard-leadership-deployments") });
        await session.AssertCleanAsync();
    }

    [Fact]
    public async Task Team_lead_lists_the_teams_and_a_chosen_team_shows_its_own_figures()
    {
        var definition = Catalog.Load("team-lead")!;
        await using var session = await OpenAsync(browser, app, "/dashboards/team-lead", interactive: false);
        var page = session.Page;

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(definition.Title);
        await Assertions.Expect(page.Locator("[data-testid=choose-team]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-panel]")).ToHaveCountAsync(0);
        var teams = await app.Services.GetRequiredService<CatalogLookups>().TeamSlugsAsync();
        Assert.Equal(AnalyticsAppFixture.Scale.Teams, teams.Count);
        var links = page.Locator("a[href^='dashboards/team-lead?team=']");
        await Assertions.Expect(links).ToHaveTextAsync([.. teams]);
        Assert.All(await links.EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))"),
            href => Assert.EndsWith($"&days={definition.DefaultDays}", href));
        await session.ScreenshotWholePageAsync("dashboard-team-lead-choose");
        // Clicked once the page is settled (circuit up, nothing in flight), so the navigation aborts nothing.
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        var team = await BusiestTeamAsync(teams);
        await links.GetByText(team, new() { Exact = true }).ClickAsync();

        await page.WaitForURLAsync(new Regex($@"/dashboards/team-lead\?team={Regex.Escape(team)}&days={definition.DefaultDays}$"), new() { Timeout = TimeoutMs });
        await WaitUntilInteractiveAsync(page);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync($"{definition.Title}: {team}");
        var window = await WindowAsync(page);
        Assert.Equal(definition.DefaultDays, (window.To - window.From).TotalDays);
        await AssertPanelsAsync(page, definition);

        var api = await app.Http.GetTeamDoraAsync(team, window.From, window.To);
        Assert.Equal(team, api.Team);
        await AssertCardsShowAsync(page, api);
        // The team's figures, not the organisation's.
        var organisation = (await app.Http.GetDoraAsync(window.From, window.To)).Organisation;
        Assert.NotEqual(organisation.DeploymentFrequency.Deployments, api.DeploymentFrequency.Deployments);
        await Assertions.Expect(page.Locator("[data-panel=rows] [data-testid=drill-down] [role=tab]").First)
            .ToHaveTextAsync(new Regex($@"^Deployments \((\d+ of )?{api.DeploymentFrequency.Deployments}\)$"));
        await Assertions.Expect(page.Locator("[data-panel=cycle-time]")).Not.ToBeEmptyAsync();

        var days = (int)(window.To - window.From).TotalDays;
        foreach (var panel in definition.Panels.Where(panel => panel.Kind == PanelKinds.DoraSeries))
        {
            await AssertChartDrawsTheExportAsync(page, definition, panel, days, team);
        }
        await session.ScreenshotWholePageAsync("dashboard-team-lead");
        var deployments = definition.Panels.Single(panel => panel.Id == "deployments");
        await AssertTableShowsTheExportAsync(page, definition, deployments, days, team);
        await session.AssertCleanAsync();
    }

    /// <summary>The page has one section per panel of the definition, in its order, each headed by the panel's title and not empty.</summary>
    private static async Task AssertPanelsAsync(IPage page, DashboardDefinition definition)
    {
        var sections = page.Locator("section[data-panel]");
        Assert.Equal(definition.Panels.Select(panel => panel.Id), await sections.EvaluateAllAsync<string[]>("sections => sections.map(s => s.dataset.panel)"));
        foreach (var panel in definition.Panels)
        {
            var section = page.Locator($"section[data-panel='{panel.Id}']");
            await Assertions.Expect(section.Locator("h2")).ToHaveTextAsync(panel.Title);
            // Something beyond the heading (and description): a panel whose data was missing would render nothing.
            Assert.True(await section.Locator(":scope > :not(h2):not(p)").CountAsync() > 0, $"panel '{panel.Id}' ({panel.Kind}) shows nothing under its title");
        }
    }

    /// <summary>
    /// The chart draws one mark per bucket the CSV export has a value for (a bar for a column chart, a marker for a line),
    /// left to right in bucket order, each at a height that is the same linear function of its value: the same numbers.
    /// </summary>
    private async Task AssertChartDrawsTheExportAsync(IPage page, DashboardDefinition definition, PanelDefinition panel, int days, string? team)
    {
        var csv = await app.Http.GetSeriesCsvAsync(definition.Name, panel.Id, days, team);
        Assert.Equal($"bucket,team,{panel.Metric},partial,lead_time_unit,days_in_period,days", csv.Header);
        var measured = csv.Measured;
        Assert.True(measured.Count >= 2, $"{panel.Id}: only {measured.Count} buckets with a value for {team ?? "the organisation"}");

        var chart = page.Locator($"[data-panel='{panel.Id}'] [data-testid='{panel.Id}-chart']");
        await WaitUntilChartFillsItsPanelAsync(page, panel.Id);
        var marks = panel.Chart == "column"
            ? chart.Locator("svg g.rz-column-series path")
            : chart.Locator("svg g.rz-line-series g.rz-marker circle");
        await Assertions.Expect(marks).ToHaveCountAsync(measured.Count, new() { Timeout = TimeoutMs });
        // Read in one go, so one render's marks: x of the mark and the y its value is drawn at (a bar's top, a marker's centre).
        var points = await marks.EvaluateAllAsync<double[][]>(panel.Chart == "column"
            ? "bars => bars.map(b => { const box = b.getBBox(); return [box.x + box.width / 2, box.y]; })"
            : "circles => circles.map(c => [c.cx.baseVal.value, c.cy.baseVal.value])");
        var ordered = points.OrderBy(point => point[0]).ToList();
        Assert.True(ordered.Zip(ordered.Skip(1)).All(pair => pair.Second[0] - pair.First[0] > 1), $"{panel.Id}: marks overlap");
        var low = measured.Select((row, i) => (row.Value!.Value, Y: ordered[i][1])).MinBy(pair => pair.Value);
        var high = measured.Select((row, i) => (row.Value!.Value, Y: ordered[i][1])).MaxBy(pair => pair.Value);
        Assert.True(high.Value > low.Value, $"{panel.Id}: every bucket has the same value, so the drawing cannot be compared");
        Assert.True(high.Y < low.Y, $"{panel.Id}: a higher value is not drawn higher");
        var pixelsPerUnit = (low.Y - high.Y) / (high.Value - low.Value);
        for (var i = 0; i < measured.Count; i++)
        {
            var expectedY = low.Y - (measured[i].Value!.Value - low.Value) * pixelsPerUnit;
            Assert.True(Math.Abs(expectedY - ordered[i][1]) < 1.0,
                $"{panel.Id}: the mark of {measured[i].Bucket:yyyy-MM-dd} ({measured[i].Value}) is at y={ordered[i][1]:0.0}, not {expectedY:0.0}");
        }
        // The category axis names buckets of the export, the first one first.
        var labels = (await chart.Locator(".rz-category-axis .rz-tick-text").AllTextContentsAsync()).Select(text => text.Trim()).ToList();
        Assert.NotEmpty(labels);
        // A partial bucket's label says so with "*", which the caption explains; short enough that Radzen, which shortens
        // a label longer than its room with "…", prints every label whole.
        static string Label(SeriesCsvRow row) => Figures.AxisBucket(row.Bucket.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), row.Partial);
        Assert.Equal(Label(measured[0]), labels[0]);
        Assert.All(labels, shown => Assert.Contains(measured, row => shown == Label(row)));
        Assert.Equal(measured.Where(row => row.Partial).Select(Label).Where(labels.Contains), labels.Where(shown => shown.EndsWith('*')));
        // Partial buckets are marked on the chart: a caption saying what the mark means, and lighter bars (a line turns
        // dashed into them, drawn by a series of its own).
        var partial = measured.Select(row => row.Partial).ToList();
        await Assertions.Expect(page.Locator($"[data-panel='{panel.Id}'] [data-testid='{panel.Id}-partial']")).ToHaveCountAsync(partial.Contains(true) ? 1 : 0);
        if (partial.Contains(true))
        {
            await Assertions.Expect(page.Locator($"[data-panel='{panel.Id}'] [data-testid='{panel.Id}-partial']")).ToContainTextAsync($"* partial period (lighter or dashed; “(partial)” in the table): {Figures.PartialReason}.");
        }
        // A partial bucket with under half its days in the period is not drawn (no mark above): the note under the chart names it.
        await Assertions.Expect(page.Locator($"[data-panel='{panel.Id}'] [data-testid='{panel.Id}-not-drawn']")).ToHaveCountAsync(csv.Rows.Any(row => !row.Drawn) ? 1 : 0);
        foreach (var left in csv.Rows.Where(row => !row.Drawn))
        {
            await Assertions.Expect(page.Locator($"[data-panel='{panel.Id}'] [data-testid='{panel.Id}-not-drawn']"))
                .ToContainTextAsync($"{panel.Granularity.ToString().ToLowerInvariant()} of {left.Bucket:yyyy-MM-dd} ({left.DaysInPeriod} of {left.Days} days in the period)");
        }
        if (panel.Chart == "column")
        {
            var fills = (await marks.EvaluateAllAsync<string[][]>("bars => bars.map(b => { const box = b.getBBox(); return [String(box.x), getComputedStyle(b).fill]; })"))
                .OrderBy(bar => double.Parse(bar[0], CultureInfo.InvariantCulture)).Select(bar => bar[1]).ToList();
            Assert.Single(fills.Where((_, i) => !partial[i]).Distinct());
            Assert.Empty(fills.Where((_, i) => partial[i]).Intersect(fills.Where((_, i) => !partial[i])));
        }
        else
        {
            // The partial series' dashed line is in the lighter blue; the tier bounds' dashed lines are in the tiers' colours.
            Assert.Equal(partial.Contains(true) ? 1 : 0, await chart.Locator("svg g.rz-line-series path[stroke-dasharray][style*='stroke: #9cc3e4']").CountAsync());
        }
        // The export links name the same panel, period and team as the data above.
        Assert.Equal(PanelExportClient.Address(definition.Name, panel.Id, "csv", days, team), await page.Locator($"[data-testid='{panel.Id}-csv']").GetAttributeAsync("href"));
        Assert.Equal(PanelExportClient.Address(definition.Name, panel.Id, "png", days, team), await page.Locator($"[data-testid='{panel.Id}-png']").GetAttributeAsync("href"));
    }

    /// <summary>
    /// Once interactive the chart is as wide as its panel and Radzen has drawn it at that width (its clip rectangle is the
    /// chart's size): not left at the width it was prerendered at. Marks are read after this, from the final drawing.
    /// </summary>
    private static async Task WaitUntilChartFillsItsPanelAsync(IPage page, string panelId)
    {
        const string Widths = """
            id => {
                const chart = document.querySelector(`[data-panel='${id}'] [data-testid='${id}-chart']`);
                const clip = chart && chart.querySelector('svg clipPath rect');
                return [chart ? chart.getBoundingClientRect().width : -1, chart ? chart.parentElement.getBoundingClientRect().width : -1, clip ? parseFloat(clip.getAttribute('width')) : -1];
            }
            """;
        var deadline = DateTime.UtcNow.AddMilliseconds(TimeoutMs);
        while (true)
        {
            var widths = await page.EvaluateAsync<double[]>(Widths, panelId);
            if (widths[0] > 0 && Math.Abs(widths[0] - widths[1]) < 1 && Math.Abs(widths[2] - widths[0]) < 0.5)
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"{panelId}: the chart is {widths[0]} px wide in a {widths[1]} px panel and drawn {widths[2]} px wide");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>"Show table" swaps the chart for a grid holding every bucket of the CSV export, values as Figures writes them; "Show chart" brings the chart back.</summary>
    private async Task AssertTableShowsTheExportAsync(IPage page, DashboardDefinition definition, PanelDefinition panel, int days, string? team)
    {
        var csv = await app.Http.GetSeriesCsvAsync(definition.Name, panel.Id, days, team);
        var toggle = page.Locator($"[data-testid='{panel.Id}-toggle']");
        var chart = page.Locator($"[data-testid='{panel.Id}-chart']");
        var table = page.Locator($"[data-testid='{panel.Id}-table']");
        await Assertions.Expect(toggle).ToHaveTextAsync("Show table");

        await toggle.ClickAsync();

        await Assertions.Expect(table).ToBeVisibleAsync();
        await Assertions.Expect(chart).ToHaveCountAsync(0);
        await Assertions.Expect(toggle).ToHaveTextAsync("Show chart");
        Assert.Equal([panel.Granularity.ToString(), panel.Title, "Days in period"], (await table.Locator("thead th").AllInnerTextsAsync()).Select(text => text.Trim()));
        var rows = table.Locator("tbody tr.rz-data-row");
        await Assertions.Expect(rows).ToHaveCountAsync(csv.Rows.Count);
        var shown = new List<string[]>();
        for (var i = 0; i < csv.Rows.Count; i++)
        {
            shown.Add([.. (await rows.Nth(i).Locator("td").AllInnerTextsAsync()).Select(text => text.Trim())]);
        }
        var expected = csv.Rows.Select(row => new[]
        {
            Figures.Bucket(row.Bucket.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), row.Partial, row.Drawn),
            row.Value is { } value ? Figures.Number(value) : "no sample",
            Figures.BucketDays(row.DaysInPeriod, row.Days),
        });
        Assert.Equal(expected, shown);

        await toggle.ClickAsync();

        await Assertions.Expect(table).ToHaveCountAsync(0);
        var marks = panel.Chart == "column" ? chart.Locator("svg g.rz-column-series path") : chart.Locator("svg g.rz-line-series g.rz-marker");
        await Assertions.Expect(marks).ToHaveCountAsync(csv.Measured.Count, new() { Timeout = TimeoutMs });
    }

    /// <summary>The catalog team with the most deployments in the team-lead dashboard's default period, so its weekly series has values throughout.</summary>
    private async Task<string> BusiestTeamAsync(IReadOnlyList<string> teams)
    {
        var period = Period.Resolve(null, null, Catalog.Load("team-lead")!.DefaultDays, TimeProvider.System);
        var all = await app.Http.GetDoraAsync(period.From, period.To);
        return all.Teams.Where(summary => teams.Contains(summary.Team)).MaxBy(summary => summary.DeploymentFrequency.Deployments)!.Team;
    }
}
