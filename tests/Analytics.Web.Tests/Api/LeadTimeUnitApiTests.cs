using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Analytics.Core.Calendar;
using Analytics.Storage.ClickHouse;
using Analytics.Testing.Oracles;
using Analytics.Web.Api;
using Microsoft.Extensions.Options;

namespace Analytics.Web.Tests.Api;

/// <summary>
/// ?leadTimeUnit=pull-request over HTTP on the demo organisation: /api/dora/breakdown's rows and every bucket of
/// /api/dora/series equal the independent oracle (<see cref="PullRequestLeadTimeOracle"/>), and each answer — the ROI's
/// too — says which unit its lead times are in.
/// </summary>
[Collection(AnalyticsAppCollection.Name)]
public sealed class LeadTimeUnitApiTests(AnalyticsAppFixture app)
{
    private static readonly DateTimeOffset To = new(DateTime.UtcNow.Date, TimeSpan.Zero);
    private static readonly DateTimeOffset From = To.AddDays(-90);

    private async Task<PullRequestLeadTimeOracle> OracleAsync()
    {
        var store = app.Services.GetRequiredService<IClickHouseStore>();
        var history = await StoredHistory.ReadDoraHistoryAsync(store);
        var options = app.Services.GetRequiredService<IOptions<MetricOptions>>().Value;
        return new PullRequestLeadTimeOracle(new DoraOracle(history, options), history, await StoredHistory.ReadPullRequestsAsync(store));
    }

    [Theory]
    [InlineData("team")]
    [InlineData("service")]
    [InlineData("repository")]
    public async Task Breakdown_rows_per_pull_request_equal_the_oracle(string by)
    {
        var answer = await app.Http.GetFromJsonAsync<DoraBreakdownAnswer>($"api/dora/breakdown?{DoraApiClient.Query(From, To)}&by={by}&leadTimeUnit=pull-request", DoraApiClient.Json);
        var expected = (await OracleAsync()).LeadTime(From, To, DoraBreakdowns.Parse(by)!.Value);

        Assert.True(expected[""].Changes > 0, "no pull request shipped in the window: agreeing would prove little");
        var rows = answer!.Rows.Select(row => (Unit: row.Unit, LeadTime: row.Figures.LeadTime)).Append((Unit: "", LeadTime: answer.Total.LeadTime)).ToList();
        Assert.All(expected.Keys, unit => Assert.Contains(rows, row => row.Unit == unit));
        foreach (var (unit, got) in rows)
        {
            var want = expected.GetValueOrDefault(unit) ?? new LeadTimeFigure(0, null, null, null, 0, 0, null);
            Assert.Equal(LeadTimeUnit.PullRequest, got.Unit);
            Assert.True((want.Changes, want.Excluded) == (got.Changes, got.Excluded) && Same(want.Median, got.Median) && Same(want.P75, got.P75) && Same(want.P90, got.P90),
                $"{by} '{unit}': (n, excluded, median, p75, p90) {(got.Changes, got.Excluded, got.Median, got.P75, got.P90)}, oracle {(want.Changes, want.Excluded, want.Median, want.P75, want.P90)}");
        }
    }

    [Theory]
    [InlineData("team", "week")]
    [InlineData("service", "month")]
    public async Task Every_series_bucket_per_pull_request_equals_the_oracle_over_that_bucket(string by, string granularity)
    {
        var path = $"api/dora/series?{DoraApiClient.Query(From, To)}&granularity={granularity}&by={by}";
        var perPullRequest = await app.Http.GetFromJsonAsync<DoraSeriesAnswer>($"{path}&leadTimeUnit=pull-request", DoraApiClient.Json);
        var perCommit = await app.Http.GetFromJsonAsync<DoraSeriesAnswer>(path, DoraApiClient.Json);
        var oracle = await OracleAsync();
        var breakdown = DoraBreakdowns.Parse(by)!.Value;
        var months = new MonthGrid("UTC");

        Assert.Equal((LeadTimeUnit.PullRequest, by), (perPullRequest!.LeadTimeUnit, perPullRequest.By));
        Assert.Equal(LeadTimeUnit.Commit, perCommit!.LeadTimeUnit);
        foreach (var bucket in perPullRequest.Points.Select(point => point.Bucket).Distinct())
        {
            var start = months.Start(bucket);
            var end = granularity == "week" ? start.AddDays(7) : months.Start(bucket.AddMonths(1));
            var expected = oracle.LeadTime(start > From ? start : From, end < To ? end : To, breakdown);
            foreach (var point in perPullRequest.Points.Where(point => point.Bucket == bucket))
            {
                var want = expected.GetValueOrDefault(point.Team);
                Assert.True((want?.Changes ?? 0) == point.Changes && Same(want?.Median, point.LeadTimeMedian),
                    $"{by} '{point.Team}', {granularity} of {bucket}: (n, median) {(point.Changes, point.LeadTimeMedian)}, oracle {(want?.Changes ?? 0, want?.Median)}");
            }
        }
        // The two units differ on this organisation, so the series did not answer per commit whatever was asked.
        Assert.NotEqual(perCommit.Points.Where(p => p.Team == "").Sum(p => p.Changes), perPullRequest.Points.Where(p => p.Team == "").Sum(p => p.Changes));
    }

    /// <summary>Equal to the millisecond: the SQL's seconds and the oracle's may differ in the last bits of a double.</summary>
    private static bool Same(TimeSpan? want, TimeSpan? got) =>
        want is null ? got is null : got is { } value && Math.Abs((value - want.Value).TotalMilliseconds) < 1;

    [Fact]
    public async Task The_roi_says_its_unit_and_an_unknown_unit_is_a_bad_request_naming_the_choices()
    {
        using var configured = JsonDocument.Parse(await app.Http.GetStringAsync("api/roi"));
        using var perPullRequest = JsonDocument.Parse(await app.Http.GetStringAsync("api/roi?leadTimeUnit=pull-request"));

        Assert.Equal(LeadTimeUnit.Commit, configured.RootElement.GetProperty("leadTimeUnit").GetString());
        Assert.Equal(LeadTimeUnit.PullRequest, perPullRequest.RootElement.GetProperty("leadTimeUnit").GetString());
        foreach (var path in new[] { "api/roi?leadTimeUnit=merge", "api/dora/series?leadTimeUnit=merge" })
        {
            using var response = await app.Http.GetAsync(path);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("commit or pull-request", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task The_roi_csv_names_the_unit_on_every_row_and_the_cli_takes_only_the_units_there_are()
    {
        var roi = await app.Services.GetRequiredService<RoiQueries>().RoiAsync(new RoiRequest(To.AddDays(-365), To) { LeadTimeUnit = LeadTimeUnit.PullRequest });
        var csv = new StringWriter();
        Analytics.Web.Cli.SpaceCsv.WriteRoiCsv(roi, csv);

        var lines = csv.ToString().Split('\n').Select(line => line.TrimEnd('\r')).TakeWhile(line => line != "").ToList();
        Assert.EndsWith(",lead_time_unit", lines[0]);
        Assert.True(lines.Count > Enum.GetValues<Analytics.Core.Space.RoiKey>().Length, $"{lines.Count} lines");
        Assert.All(lines.Skip(1), line => Assert.EndsWith($",{LeadTimeUnit.PullRequest}", line));
        Assert.Empty(Analytics.Web.Cli.AnalyticsCommandLine.Create().Parse("space roi --lead-time-unit pull-request").Errors);
        Assert.NotEmpty(Analytics.Web.Cli.AnalyticsCommandLine.Create().Parse("space roi --lead-time-unit merge").Errors);
    }
}
