using System.Globalization;
using System.Net;
using System.Xml.Linq;
using Analytics.Web.Cli;
using Analytics.Web.Components.Pages;
using Analytics.Web.Queries;
using Analytics.Web.Utils;
using Bunit;
using static Analytics.Web.Tests.Components.AppComponents;

namespace Analytics.Web.Tests.Components;

/// <summary>
/// The monthly leadership report over the real demo store: the page (bUnit) shows the month's keys beside the month
/// before as DoraQueries computes them, the teams per tier and the platform figures; its files (API and CLI) are the
/// charts and tables of the same figures.
/// </summary>
[Collection(AnalyticsAppCollection.Name)]
public sealed class MonthlyReportTests(AnalyticsAppFixture app)
{
    /// <summary>The last whole month: the demo's history always covers it and the one before. The app's zone is UTC (appsettings.json).</summary>
    private static readonly DateOnly Month = MonthlyReport.MonthOf(null, TimeProvider.System, new Analytics.Core.Calendar.MonthGrid("UTC"));

    private static DateTimeOffset Start(DateOnly month) => new(month.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    private async Task<(DoraResult Month, DoraSummary Previous)> ExpectedAsync(int tiersYear)
    {
        var queries = app.Services.GetRequiredService<DoraQueries>();
        var table = DoraTierTables.Get(tiersYear);
        var month = (await queries.SummariesAsync(new DoraRequest(Start(Month), Start(Month.AddMonths(1))))).WithTiers(table);
        var previous = (await queries.SummariesAsync(new DoraRequest(Start(Month.AddMonths(-1)), Start(Month)))).WithTiers(table);
        return (month, previous.Organisation);
    }

    [Theory]
    [InlineData(2023)]
    [InlineData(2021)]
    public async Task The_page_shows_the_months_keys_beside_the_previous_month_with_tier_trend_and_n(int year)
    {
        var (expected, previous) = await ExpectedAsync(year);
        await using var context = NewContext(app);
        // As prerendered: the charts are drawn on the server, no chart script is needed.
        context.RenderPrerendered();
        context.NavigateTo($"/reports/monthly?month={Month:yyyy-MM}&tiers={year}");
        var page = context.Render<MonthlyReportPage>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=keys-trend]")), RenderTimeout);

        Assert.Equal($"Monthly leadership report: {Month.ToString("MMMM yyyy", CultureInfo.InvariantCulture)}", page.Find("h1").TextContent.Trim());
        var o = expected.Organisation;
        var rows = new (string Key, double? Value, double? Before, DoraTier? Tier, long N)[]
        {
            ("deployment-frequency", o.DeploymentFrequency.DeploymentsPerDay, previous.DeploymentFrequency.DeploymentsPerDay, o.DeploymentFrequency.Tier, o.DeploymentFrequency.Deployments),
            ("lead-time", o.LeadTime.Median?.TotalHours, previous.LeadTime.Median?.TotalHours, o.LeadTime.Tier, o.LeadTime.Changes),
            ("change-failure-rate", o.ChangeFailureRate.Rate * 100, previous.ChangeFailureRate.Rate * 100, o.ChangeFailureRate.Tier, o.ChangeFailureRate.Deployments),
            ("recovery-time", o.RecoveryTime.Median?.TotalHours, previous.RecoveryTime.Median?.TotalHours, o.RecoveryTime.Tier, o.RecoveryTime.Resolved),
        };
        Assert.Equal(rows.Select(r => r.Key), page.FindAll("[data-testid=keys-trend] tbody tr").Select(tr => tr.GetAttribute("data-key")));
        foreach (var (key, value, before, tier, n) in rows)
        {
            var row = page.Find($"[data-testid=keys-trend] tr[data-key={key}]");
            Assert.Equal(Figures.Number(value!.Value), row.QuerySelector("[data-testid=value]")!.TextContent.Trim());
            Assert.Equal(Figures.Number(before!.Value), row.QuerySelector("[data-testid=previous]")!.TextContent.Trim());
            var better = key == "deployment-frequency" ? value > before : value < before;
            Assert.Equal(value == before ? "unchanged" : better ? "better" : "worse", row.QuerySelector("[data-testid=trend]")!.TextContent.Trim());
            Assert.Equal(OverviewText.TierAttribute(tier), row.QuerySelector("[data-tier]")!.GetAttribute("data-tier"));
            Assert.Equal(Figures.TierBasis(o, n), row.QuerySelector("[data-testid=tier-basis]")!.TextContent.Trim());
            Assert.StartsWith($"DORA {year} · {Start(Month):yyyy-MM-dd} to ", row.QuerySelector("[data-testid=tier-basis]")!.TextContent.Trim());
        }

        // Teams per tier: the month's teams counted by tier, per key.
        var deploymentRow = page.Find("[data-testid=tier-distribution] tbody tr").QuerySelectorAll("td").Select(td => int.Parse(td.TextContent, CultureInfo.InvariantCulture)).ToList();
        DoraTier?[] columns = [DoraTier.Elite, DoraTier.High, DoraTier.Medium, DoraTier.Low, null];
        Assert.Equal(columns.Select(tier => expected.Teams.Count(team => team.DeploymentFrequency.Tier == tier)), deploymentRow);

        // The platform's payoff for the month, from the existing queries.
        foreach (var figure in (string[])["roi", "roi-verdicts", "hours-saved", "savings-assumptions", "self-service-ratio", "nps"])
        {
            Assert.Single(page.FindAll($"[data-testid={figure}]"));
        }
        // Each DORA key's ROI is said in words: the key named as the cards name it (never its code name), an effect with
        // its interval, or why the data cannot support one.
        var unit = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<MetricOptions>>().Value.LeadTimeUnit;
        var keyNames = Enum.GetValues<Analytics.Core.Space.RoiKey>().Select(key => Figures.RoiKeyName(key, unit)).ToList();
        Assert.Contains($"Lead time for changes (median, {Figures.LeadTimeUnitText(unit)})", keyNames);
        Assert.Equal(keyNames, page.FindAll("[data-testid=roi] tbody tr.rz-data-row").Select(tr => tr.QuerySelector("td")!.TextContent.Trim()));
        var verdicts = page.FindAll("[data-testid=roi-verdicts] li").Select(li => li.TextContent.Trim()).ToList();
        Assert.Equal(keyNames.Select(name => $"{name}:"), verdicts.Select(v => v[..(v.IndexOf(':') + 1)]));
        Assert.All(Enum.GetNames<Analytics.Core.Space.RoiKey>(), code => Assert.DoesNotContain(code, page.Find("[data-testid=roi]").TextContent + string.Join(" ", verdicts), StringComparison.Ordinal));
        Assert.All(verdicts, v => Assert.True(v.Contains("% interval", StringComparison.Ordinal) || v.Contains("Too few teams", StringComparison.Ordinal) || v.Contains("No estimate", StringComparison.Ordinal), v));
        Assert.Contains("not measurements", page.Find("[data-testid=savings-assumptions]").TextContent, StringComparison.Ordinal);
        Assert.Contains("not priced", page.Find("[data-testid=hours-saved]").TextContent, StringComparison.Ordinal);
        // NPS and ROI over the twelve months to the month (quarterly surveys; adoption needs months either side), self-service for the month.
        Assert.Contains($"{Start(Month.AddMonths(-11)):yyyy-MM-dd} to {Start(Month.AddMonths(1)).AddDays(-1):yyyy-MM-dd}", page.Find("[data-testid=nps]").TextContent);
        var selfService = await app.Services.GetRequiredService<AdoptionQueries>().SelfServiceAsync(new SpaceRequest(Start(Month), Start(Month.AddMonths(1))));
        Assert.Contains($"{Figures.Percent(selfService.Organisation.SelfServiceRatio)} of {selfService.Organisation.Fulfilled} fulfilled requests", page.Find("[data-testid=self-service-ratio]").TextContent);
        Assert.Equal(MonthlyReportFiles.Names(await LoadAsync(year)).Select(name => $"api/reports/monthly/{name}?month={Month:yyyy-MM}&tiers={year}"),
            page.FindAll("[data-testid=files] a").Select(a => a.GetAttribute("href")));
    }

    [Fact]
    public async Task Every_file_of_the_report_is_served_charts_as_png_and_well_formed_svg_tables_as_csv()
    {
        var report = await LoadAsync(2023);
        var names = MonthlyReportFiles.Names(report);
        Assert.Contains("keys-trend.csv", names);
        Assert.Contains("tiers.csv", names);
        Assert.Contains("lead-time.png", names);
        Assert.Contains("deployments.svg", names);

        foreach (var name in names)
        {
            using var response = await app.Http.GetAsync($"api/reports/monthly/{name}?month={Month:yyyy-MM}");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{name}: {(int)response.StatusCode}");
            var bytes = await response.Content.ReadAsByteArrayAsync();
            switch (Path.GetExtension(name))
            {
                case ".png":
                    Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
                    Assert.Equal([0x89, 0x50, 0x4E, 0x47], bytes[..4]);
                    break;
                case ".svg":
                    var svg = XDocument.Parse(System.Text.Encoding.UTF8.GetString(bytes));
                    Assert.Contains(svg.Descendants(), element => element.Name.LocalName == "text" && (string?)element.Attribute("font-family") == "DejaVu Sans");
                    break;
                default:
                    Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
                    Assert.True(System.Text.Encoding.UTF8.GetString(bytes).Split('\n').Length > 2, $"{name} has no rows");
                    break;
            }
        }
        // The trend chart covers the twelve months up to the report's month.
        var series = PanelExportClient.ParseSeries(await app.Http.GetStringAsync($"api/reports/monthly/deployments.csv?month={Month:yyyy-MM}"));
        Assert.Equal(Enumerable.Range(0, 12).Select(i => Month.AddMonths(i - 11)), series.Rows.Select(row => row.Bucket));

        using var missing = await app.Http.GetAsync($"api/reports/monthly/no-such.png?month={Month:yyyy-MM}");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task The_keys_table_file_has_the_month_the_month_before_and_the_tier_of_each_key()
    {
        var (expected, previous) = await ExpectedAsync(2024);
        var lines = (await app.Http.GetStringAsync($"api/reports/monthly/keys-trend.csv?month={Month:yyyy-MM}&tiers=2024")).Split('\n');

        Assert.Equal("month,key,value,previous_month_value,change,trend,tier,tiers_year,n,partial", lines[0]);
        var leadTime = lines.Single(line => line.Contains(",lead-time,")).Split(',');
        Assert.Equal($"{Month:yyyy-MM}", leadTime[0]);
        Assert.Equal(expected.Organisation.LeadTime.Median!.Value.TotalHours, double.Parse(leadTime[2], CultureInfo.InvariantCulture), 6);
        Assert.Equal(previous.LeadTime.Median!.Value.TotalHours, double.Parse(leadTime[3], CultureInfo.InvariantCulture), 6);
        Assert.Equal(expected.Organisation.LeadTime.Tier.ToString(), leadTime[6]);
        Assert.Equal(("2024", expected.Organisation.LeadTime.Changes.ToString(CultureInfo.InvariantCulture)), (leadTime[7], leadTime[8]));
    }

    [Fact]
    public async Task The_cli_writes_the_same_files_the_page_links()
    {
        var report = await LoadAsync(2023);
        var folder = Directory.CreateTempSubdirectory("analytics-monthly-report-");
        try
        {
            var written = await ReportCommand.WriteAsync(report, folder, CancellationToken.None);

            Assert.Equal(MonthlyReportFiles.Names(report).Order(), folder.EnumerateFiles().Select(file => file.Name).Order());
            Assert.Equal(written, MonthlyReportFiles.Names(report));
            Assert.Equal(await app.Http.GetByteArrayAsync($"api/reports/monthly/tiers.csv?month={Month:yyyy-MM}"),
                await File.ReadAllBytesAsync(Path.Combine(folder.FullName, "tiers.csv")));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
        Assert.Empty(AnalyticsCommandLine.Create().Parse($"report monthly --month {Month:yyyy-MM} --out x").Errors);
        Assert.NotEmpty(AnalyticsCommandLine.Create().Parse("report monthly --month 2026-13 --out x").Errors);
    }

    private Task<MonthlyReport> LoadAsync(int year) =>
        app.Services.GetRequiredService<MonthlyReportQueries>().LoadAsync(Month, DoraTierTables.Get(year));
}
