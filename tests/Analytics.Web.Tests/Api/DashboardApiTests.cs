using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using AngleSharp.Html.Parser;
using Analytics.Web.Utils;
using Analytics.Web.Dashboards;
using SkiaSharp;

namespace Analytics.Web.Tests.Api;

/// <summary>
/// Dashboard panels over plain HTTP: the PNG/SVG/CSV exports (real images with their text drawn, one CSV row per
/// bucket), problems for what cannot be exported, and charts drawn into the prerendered page.
/// </summary>
[Collection(AnalyticsAppCollection.Name)]
public sealed class DashboardApiTests(AnalyticsAppFixture app)
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private DashboardDefinition Leadership => app.Services.GetRequiredService<DashboardCatalog>().Load("leadership")!;

    private PanelDefinition Panel(string id) => Leadership.Panels.Single(panel => panel.Id == id);

    [Fact]
    public async Task Png_export_is_a_960_by_400_png_with_the_chart_and_its_title_drawn()
    {
        using var response = await app.Http.GetAsync(PanelExportClient.Address("leadership", "deployments", "png", 365));
        response.EnsureSuccessStatusCode();
        var png = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(PngSignature, png[..8]);
        // The first chunk is IHDR: width and height, big-endian, straight after its length and type.
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        Assert.Equal(960, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)));
        Assert.Equal(400, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)));
        var period = Period.Resolve(null, null, 365, TimeProvider.System);
        Assert.Equal($"leadership-deployments-{period.From:yyyyMMdd}-{period.To:yyyyMMdd}.png", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName);

        using var bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        Assert.Equal((960, 400), (bitmap.Width, bitmap.Height));
        var colours = new HashSet<SKColor>();
        for (var y = 0; y < bitmap.Height; y += 2)
        {
            for (var x = 0; x < bitmap.Width; x += 2)
            {
                colours.Add(bitmap.GetPixel(x, y));
            }
        }
        Assert.True(colours.Count > 10, $"the image has {colours.Count} colours: nothing much was drawn");
        // The title is centred above the plot: dark glyph pixels there mean the text was really drawn (with a font found).
        var titleDark = DarkPixels(bitmap, 0, 0, bitmap.Width, 36);
        Assert.True(titleDark > 300, $"only {titleDark} dark pixels in the title area: the title was not drawn");
        // Left and right of the centred title the band is blank, so those pixels are the title's, not a frame's.
        Assert.Equal(0, DarkPixels(bitmap, 0, 0, 150, 36) + DarkPixels(bitmap, bitmap.Width - 150, 0, bitmap.Width, 36));
    }

    [Fact]
    public async Task Exports_follow_the_lead_time_unit_in_their_address_and_name_it()
    {
        var panel = Panel("lead-time");
        var perCommit = await app.Http.GetSeriesCsvAsync("leadership", panel.Id, 365);
        var perPullRequest = PanelExportClient.ParseSeries(await app.Http.GetStringAsync(PanelExportClient.Address("leadership", panel.Id, "csv", 365, leadTimeUnit: "pull-request")));

        Assert.Equal($"bucket,team,{panel.Metric},partial,lead_time_unit,days_in_period,days", perPullRequest.Header);
        Assert.All(perCommit.Rows, row => Assert.Equal("commit", row.LeadTimeUnit));
        Assert.All(perPullRequest.Rows, row => Assert.Equal("pull-request", row.LeadTimeUnit));
        Assert.NotEqual(perCommit.Rows.Select(row => row.Value), perPullRequest.Rows.Select(row => row.Value));
        // The values are the per-pull-request series', bucket by bucket.
        var period = Period.Resolve(null, null, 365, TimeProvider.System);
        var series = await app.Http.GetFromJsonAsync<Analytics.Web.Api.DoraSeriesAnswer>(
            $"api/dora/series?{DoraApiClient.Query(period.From, period.To)}&granularity=month&leadTimeUnit=pull-request", DoraApiClient.Json);
        Assert.Equal(series!.Points.Where(point => point.Team == "").Select(point => point.LeadTimeMedian?.TotalHours),
            perPullRequest.Rows.Select(row => row.Value), new ToleranceComparer(1e-9));

        // The chart's title says the unit.
        var svg = XDocument.Parse(await app.Http.GetStringAsync(PanelExportClient.Address("leadership", panel.Id, "svg", 365, leadTimeUnit: "pull-request")));
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Single(svg.Descendants(ns + "text"), text => text.Value.Trim() == $"{panel.Title} (per pull request) — organisation");

        // A table's CSV: the lead-time columns of the unit asked for, and the unit in its lead_time_unit column.
        var teams = (await app.Http.GetStringAsync(PanelExportClient.Address("leadership", "teams", "csv", 365, leadTimeUnit: "pull-request"))).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unitColumn = Array.IndexOf(teams[0].Split(','), "lead_time_unit");
        Assert.All(teams.Skip(1), line => Assert.Equal("pull-request", line.Split(',')[unitColumn]));

        // The page showing per-pull-request lead time links its exports with that unit.
        var html = new HtmlParser().ParseDocument(await app.Http.GetStringAsync("dashboards/leadership?days=365&leadTimeUnit=pull-request"));
        var links = html.QuerySelectorAll("a[href*='/panels/']").Select(link => link.GetAttribute("href")!).ToList();
        Assert.Contains(DashboardUrls.PanelExportUrl("leadership", panel.Id, "csv", 365, leadTimeUnit: "pull-request"), links);
        Assert.All(links, link => Assert.Contains("leadTimeUnit=pull-request", link));

        using var refused = await app.Http.GetAsync(PanelExportClient.Address("leadership", panel.Id, "csv", 365, leadTimeUnit: "story"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("There is no lead-time unit 'story'", await refused.Content.ReadAsStringAsync());
    }

    /// <summary>Hours computed two ways (SQL seconds, then in C#) agree to rounding; a missing value equals only a missing one.</summary>
    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double?>
    {
        public bool Equals(double? x, double? y) => x is null || y is null ? x is null && y is null : Math.Abs(x.Value - y.Value) <= tolerance * Math.Max(1, Math.Abs(x.Value));

        public int GetHashCode(double? value) => 0;
    }

    [Fact]
    public async Task Svg_export_writes_the_panel_title_and_one_marker_per_measured_bucket()
    {
        var panel = Panel("lead-time");
        using var response = await app.Http.GetAsync(PanelExportClient.Address("leadership", panel.Id, "svg", 365));
        response.EnsureSuccessStatusCode();

        Assert.Equal("image/svg+xml", response.Content.Headers.ContentType?.MediaType);
        var svg = XDocument.Parse(await response.Content.ReadAsStringAsync());
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", svg.Root!.Name);
        Assert.Equal(("960", "400"), ((string?)svg.Root.Attribute("width"), (string?)svg.Root.Attribute("height")));
        var texts = svg.Descendants(ns + "text").ToList();
        var title = Assert.Single(texts, text => text.Value.Trim() == $"{panel.Title} (per commit) — organisation");
        Assert.Equal("DejaVu Sans", (string?)title.Attribute("font-family"));
        // The axis labels are text too: the first drawn bucket's month is among them, with "*" when it is partial, and the legend says what "*" means.
        var csv = await app.Http.GetSeriesCsvAsync("leadership", panel.Id, 365);
        var drawn = csv.Rows.Where(row => row.Drawn).ToList();
        Assert.Contains(texts, text => text.Value.Trim() == drawn[0].Bucket.ToString("yyyy-MM", CultureInfo.InvariantCulture) + (drawn[0].Partial ? "*" : ""));
        Assert.Equal(drawn.Any(row => row.Partial) ? 1 : 0, texts.Count(text => text.Value.Trim() == "* partial: cut by the window or not over yet"));
        Assert.Equal(drawn.Where(row => row.Partial).Select(row => row.Bucket.ToString("yyyy-MM", CultureInfo.InvariantCulture) + "*"),
            texts.Select(text => text.Value.Trim()).Where(text => text.EndsWith('*') && !text.StartsWith('*')));
        // A month with under half its days in the window is not drawn: no tick of its own, a legend line with its days instead.
        Assert.Equal(csv.Rows.Where(row => !row.Drawn).Select(row => $"not drawn: month of {row.Bucket:yyyy-MM-dd}, {row.DaysInPeriod} of {row.Days} days in the period (under half)"),
            texts.Select(text => text.Value.Trim()).Where(text => text.StartsWith("not drawn: ", StringComparison.Ordinal)));
        // A line chart: a marker per bucket with a value, no zero drawn for a bucket without one.
        Assert.Equal(csv.Measured.Count, svg.Descendants(ns + "ellipse").Count());
    }

    public static TheoryData<string, string, string?> SeriesPanels => new()
    {
        { "leadership", "deployments", null },
        { "leadership", "lead-time", null },
        { "leadership", "change-failure-rate", null },
        { "leadership", "recovery", null },
        { "team-lead", "deployments", "checkout" },
        { "team-lead", "lead-time", "checkout" },
        { "team-lead", "change-failure-rate", "checkout" },
    };

    [Theory]
    [MemberData(nameof(SeriesPanels))]
    public async Task Every_svg_export_is_well_formed_xml_with_no_dangling_list_separator(string dashboard, string panel, string? team)
    {
        var text = await app.Http.GetStringAsync(PanelExportClient.Address(dashboard, panel, "svg", 365, team));

        var svg = XDocument.Parse(text);
        Assert.Equal("svg", svg.Root!.Name.LocalName);
        // Glyph positions (text x, y) and other number lists never end in a separator: SkiaSharp writes "x1, x2, " as is.
        var dangling = svg.Descendants().SelectMany(element => element.Attributes())
            .Where(attribute => attribute.Value.TrimEnd().EndsWith(','))
            .Select(attribute => $"{attribute.Parent!.Name.LocalName}@{attribute.Name.LocalName}=\"{attribute.Value}\"")
            .ToList();
        Assert.True(dangling.Count == 0, string.Join(Environment.NewLine, dangling.Take(5)));
        // The fix keeps every glyph position: the title's x list has one number per character.
        XNamespace ns = "http://www.w3.org/2000/svg";
        var positioned = svg.Descendants(ns + "text").First(text => ((string?)text.Attribute("x"))?.Contains(',') == true);
        Assert.Equal(positioned.Value.Trim().Length, ((string)positioned.Attribute("x")!).Split(',').Length);
    }

    [Fact]
    public async Task Csv_export_has_a_header_and_one_row_per_month_that_add_up_to_the_period()
    {
        var period = Period.Resolve(null, null, 365, TimeProvider.System);
        using var response = await app.Http.GetAsync(PanelExportClient.Address("leadership", "deployments", "csv", 365));
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);

        var csv = PanelExportClient.ParseSeries(await response.Content.ReadAsStringAsync());

        Assert.Equal("bucket,team,deployments,partial,lead_time_unit,days_in_period,days", csv.Header);
        var first = new DateOnly(period.From.Year, period.From.Month, 1);
        var last = DateOnly.FromDateTime(period.To.AddDays(-1).UtcDateTime);
        var months = (last.Year - first.Year) * 12 + last.Month - first.Month + 1;
        Assert.Equal(Enumerable.Range(0, months).Select(first.AddMonths), csv.Rows.Select(row => row.Bucket));
        Assert.All(csv.Rows, row => Assert.Equal("organisation", row.Team));
        Assert.All(csv.Rows, row => Assert.True(row.Value is >= 0 && row.Value == Math.Floor(row.Value.Value), $"{row.Bucket}: {row.Value} deployments"));
        var api = await app.Http.GetDoraAsync(period.From, period.To);
        Assert.Equal(api.Organisation.DeploymentFrequency.Deployments, csv.Rows.Sum(row => row.Value!.Value));
        // Partial: a month the window starts after the 1st of, or ends before the end of (the demo's zone is UTC; the
        // window ends at today's midnight, before now). The months between are whole.
        Assert.Equal(csv.Rows.Select(row => Start(row.Bucket) < period.From || Start(row.Bucket.AddMonths(1)) > period.To), csv.Rows.Select(row => row.Partial));
        Assert.All(csv.Rows.Skip(1).SkipLast(1), row => Assert.False(row.Partial, $"{row.Bucket} is whole"));
        Assert.Equal(period.From.Day != 1, csv.Rows[0].Partial);
    }

    private static DateTimeOffset Start(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    [Fact]
    public async Task Csv_export_for_a_team_has_one_row_per_week_with_that_teams_deployments()
    {
        var team = "checkout";
        var days = Period.DefaultDays;
        var period = Period.Resolve(null, null, days, TimeProvider.System);

        var csv = await app.Http.GetSeriesCsvAsync("team-lead", "deployments", days, team);

        Assert.Equal("bucket,team,deployments,partial,lead_time_unit,days_in_period,days", csv.Header);
        var firstDay = DateOnly.FromDateTime(period.From.UtcDateTime);
        var monday = firstDay.AddDays(-(((int)firstDay.DayOfWeek + 6) % 7));
        var lastDay = DateOnly.FromDateTime(period.To.AddDays(-1).UtcDateTime);
        var weeks = (lastDay.DayNumber - monday.DayNumber) / 7 + 1;
        Assert.Equal(Enumerable.Range(0, weeks).Select(week => monday.AddDays(7 * week)), csv.Rows.Select(row => row.Bucket));
        Assert.All(csv.Rows, row => Assert.Equal(team, row.Team));
        var api = await app.Http.GetTeamDoraAsync(team, period.From, period.To);
        Assert.Equal(api.DeploymentFrequency.Deployments, csv.Rows.Sum(row => row.Value!.Value));
    }

    [Theory]
    [InlineData("leadership", "no-such-panel.png", "There is no panel 'no-such-panel' in dashboard 'leadership'.")]
    [InlineData("leadership", "no-such-panel.csv", "There is no panel 'no-such-panel' in dashboard 'leadership'.")]
    [InlineData("no-such-dashboard", "deployments.csv", "There is no panel 'deployments' in dashboard 'no-such-dashboard'.")]
    public async Task An_unknown_panel_is_not_found_with_a_problem_naming_it(string dashboard, string file, string detail)
    {
        await AssertProblemAsync($"api/dashboards/{dashboard}/panels/{file}", HttpStatusCode.NotFound, detail);
    }

    [Theory]
    [InlineData("keys.png", "A dora-keys panel cannot be exported as png.")]
    [InlineData("tiers.svg", "A tier-distribution panel cannot be exported as svg.")]
    [InlineData("teams.png", "A teams-table panel cannot be exported as png.")]
    [InlineData("deployments.xlsx", "A dora-series panel cannot be exported as xlsx.")]
    [InlineData("deployments.json", "A dora-series panel cannot be exported as json.")]
    public async Task A_kind_or_extension_that_cannot_be_exported_is_not_found(string file, string detail)
    {
        await AssertProblemAsync($"api/dashboards/leadership/panels/{file}?days=30", HttpStatusCode.NotFound, detail);
    }

    [Theory]
    [InlineData("team-lead", "deployments.csv", "no-such-team")]
    [InlineData("team-lead", "lead-time.png", "Checkout")]
    [InlineData("leadership", "deployments.svg", "no-such-team")]
    public async Task An_unknown_team_is_not_found(string dashboard, string file, string team)
    {
        await AssertProblemAsync($"api/dashboards/{dashboard}/panels/{file}?team={Uri.EscapeDataString(team)}", HttpStatusCode.NotFound, $"There is no team '{team}' in the catalog.");
    }

    [Fact]
    public async Task A_team_dashboards_export_needs_the_team()
    {
        await AssertProblemAsync("api/dashboards/team-lead/panels/deployments.csv", HttpStatusCode.BadRequest, "Dashboard 'team-lead' shows one team: add ?team=.");
    }

    [Fact]
    public async Task An_unreadable_period_falls_back_to_the_dashboards_own_default()
    {
        // leadership.json says 365 days: ?days=abc must mean that, not the site-wide 90.
        var fallback = PanelExportClient.ParseSeries(await app.Http.GetStringAsync("api/dashboards/leadership/panels/deployments.csv?days=abc"));
        var year = PanelExportClient.ParseSeries(await app.Http.GetStringAsync(PanelExportClient.Address("leadership", "deployments", "csv", 365)));

        Assert.Equal(year.Rows.Select(row => row.Bucket), fallback.Rows.Select(row => row.Bucket));
        Assert.True(fallback.Rows.Count >= 12, $"{fallback.Rows.Count} months");
    }

    [Fact]
    public async Task The_dashboards_are_listed()
    {
        var names = await app.Http.GetFromJsonAsync<string[]>("api/dashboards") ?? [];

        Assert.Equal(app.Services.GetRequiredService<DashboardCatalog>().Names(), names);
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.Contains("leadership", names);
        Assert.Contains("team-lead", names);
    }

    // The series' recovery metric is incident start → resolution (dora/series.sql), graded by the 2021 tiers: a title
    // saying "failed-deployment recovery time" (the 2023/2024 figure, restore_time.sql) would name the wrong figure.
    [Fact]
    public void Every_panel_drawing_the_series_recovery_metric_is_titled_time_to_restore_service()
    {
        var catalog = app.Services.GetRequiredService<DashboardCatalog>();
        var panels = catalog.Names().SelectMany(name => catalog.Load(name)!.Panels).Concat(Analytics.Web.Queries.MonthlyReport.TrendDefinition.Panels)
            .Where(panel => panel.Metric == "recovery_median_hours")
            .ToList();

        Assert.NotEmpty(panels);
        Assert.All(panels, panel => Assert.StartsWith("Time to restore service", panel.Title, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Prerendered_dashboard_already_draws_its_charts()
    {
        // Radzen's charts draw only at a known size; the page names one for its first render, so the HTML a
        // screenshot, a crawler or a browser without a circuit gets already holds the bars and lines.
        var mark = app.Log.Mark;
        using var response = await app.Http.GetAsync("dashboards/leadership");
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(RecordingLoggerProvider.Errors(app.Log.Since(mark)));

        using var document = new HtmlParser().ParseDocument(html);
        var window = OverviewText.ParseWindow(document.QuerySelector("[data-testid=window]")!.TextContent);
        var days = (int)(window.To - window.From).TotalDays;
        Assert.Equal(Leadership.Panels.Select(panel => panel.Id), document.QuerySelectorAll("section[data-panel]").Select(section => section.GetAttribute("data-panel")));
        foreach (var panel in Leadership.Panels.Where(panel => panel.Kind == PanelKinds.DoraSeries))
        {
            var chart = document.QuerySelector($"[data-testid='{panel.Id}-chart']");
            Assert.NotNull(chart);
            Assert.True(chart.QuerySelector("svg") is not null, $"{panel.Id}: the prerendered chart is an empty box");
            var marks = panel.Chart == "column" ? chart.QuerySelectorAll("g.rz-column-series path") : chart.QuerySelectorAll("g.rz-line-series g.rz-marker");
            var csv = await app.Http.GetSeriesCsvAsync("leadership", panel.Id, days);
            Assert.Equal(csv.Measured.Count, marks.Length);
        }
    }

    private async Task AssertProblemAsync(string path, HttpStatusCode status, string detail)
    {
        using var response = await app.Http.GetAsync(path);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal((int)status, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal(detail, problem.RootElement.GetProperty("detail").GetString());
    }

    /// <summary>Pixels in [x0, x1) × [y0, y1) darker than mid-grey on every channel (the title is near-black on white).</summary>
    private static int DarkPixels(SKBitmap bitmap, int x0, int y0, int x1, int y1)
    {
        var count = 0;
        for (var y = y0; y < y1; y++)
        {
            for (var x = x0; x < x1; x++)
            {
                var pixel = bitmap.GetPixel(x, y);
                if (pixel.Alpha > 200 && pixel.Red < 100 && pixel.Green < 100 && pixel.Blue < 100)
                {
                    count++;
                }
            }
        }
        return count;
    }
}
