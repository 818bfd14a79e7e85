using System.Globalization;
using System.Net;
using System.Text.Json;
using Analytics.Core.Space;
using Analytics.Storage.Catalog;
using Analytics.Storage.ClickHouse;
using Analytics.Web.Cli;
using Microsoft.Extensions.Options;

namespace Analytics.Web.Tests.Api;

/// <summary>
/// The SPACE, adoption and ROI API over HTTP against the real host and the demo organisation, and the CLI's CSV, with
/// attempts to read one respondent's answers out of them: small groups, team and month filters, and the CSV rows.
/// </summary>
[Collection(AnalyticsAppCollection.Name)]
public sealed class SpaceApiTests(AnalyticsAppFixture app)
{
    private const int K = 5;   // the default Analytics:Space:MinimumRespondents the fixture runs with
    private static readonly string[] ValueFields = ["score", "promoterShare", "detractorShare", "mean", "distribution"];

    private static DateTimeOffset Today => new(DateTime.UtcNow.Date, TimeSpan.Zero);

    private static string Query(DateTimeOffset from, DateTimeOffset to) => DoraApiClient.Query(from, to);

    [Fact]
    public async Task Satisfaction_json_carries_no_score_for_a_suppressed_group_and_suppresses_every_group_below_K()
    {
        using var document = JsonDocument.Parse(await app.Http.GetStringAsync($"api/space/satisfaction?{Query(Today.AddDays(-365), Today)}"));

        var (shown, withheld) = CheckFigures(document.RootElement, K);

        Assert.True(shown > 0, "no score was shown at all, so the check proves little");
        Assert.Equal(K, document.RootElement.GetProperty("minimumRespondents").GetInt32());
        Assert.Equal(withheld, CountWithheld(document.RootElement));
    }

    [Fact]
    public async Task Asking_for_one_team_and_one_month_gives_what_the_whole_answer_shows_and_nothing_below_K()
    {
        var teams = await CatalogTeamsAsync();
        using var year = JsonDocument.Parse(await app.Http.GetStringAsync($"api/space/satisfaction?{Query(Today.AddDays(-365), Today)}"));
        var months = year.RootElement.GetProperty("organisationByMonth").EnumerateArray()
            .Select(m => DateOnly.Parse(m.GetProperty("month").GetString()!, CultureInfo.InvariantCulture)).ToList();
        Assert.NotEmpty(months);

        var checkedGroups = 0;
        foreach (var month in months)
        {
            var start = new DateTimeOffset(month.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            // The attacker asks for a few days inside the month; the answer covers the whole month.
            var window = Query(start.AddDays(3), start.AddDays(5));
            using var whole = JsonDocument.Parse(await app.Http.GetStringAsync($"api/space/satisfaction?{window}"));
            CheckFigures(whole.RootElement, K);
            foreach (var team in teams)
            {
                using var one = JsonDocument.Parse(await app.Http.GetStringAsync($"api/space/satisfaction?{window}&team={Uri.EscapeDataString(team)}"));
                CheckFigures(one.RootElement, K);
                var expected = whole.RootElement.GetProperty("teams").EnumerateArray().Where(t => t.GetProperty("team").GetString() == team).Select(t => t.GetRawText()).ToList();
                Assert.Equal(expected, one.RootElement.GetProperty("teams").EnumerateArray().Select(t => t.GetRawText()).ToList());
                Assert.Equal(whole.RootElement.GetProperty("organisation").GetRawText(), one.RootElement.GetProperty("organisation").GetRawText());
                checkedGroups += expected.Count;
            }
        }
        Assert.True(checkedGroups > 0, "no team answered in any month");
    }

    [Fact]
    public async Task The_cli_csv_has_empty_value_columns_for_every_withheld_group_and_every_group_below_K()
    {
        // K = 9 against the demo's teams of about a dozen makes sure some groups are withheld.
        var services = app.Services;
        var queries = new SurveyQueries(services.GetRequiredService<IClickHouseStore>(), services.GetRequiredService<SqlFiles>(),
            services.GetRequiredService<IOptions<MetricOptions>>(), Options.Create(new SpaceOptions { MinimumRespondents = 9 }));
        var result = await queries.SatisfactionAsync(new SpaceRequest(Today.AddDays(-365), Today));
        var output = new StringWriter();

        SpaceCsv.WriteSatisfactionCsv(result, output);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var header = lines[0].Split(',');
        int Column(string name) => Array.IndexOf(header, name);
        string[] valueColumns = ["score", "promoter_share", "detractor_share", "score_1", "score_2", "score_3", "score_4", "score_5"];
        var rows = lines.Skip(1).Select(line => line.Split(',')).ToList();
        Assert.All(rows, row => Assert.Equal(header.Length, row.Length));
        var withheld = rows.Where(row => row[Column("suppressed")] != "").ToList();
        Assert.NotEmpty(withheld);
        Assert.All(withheld, row => Assert.All(valueColumns, column => Assert.Equal("", row[Column(column)])));
        Assert.All(rows.Where(row => long.Parse(row[Column("respondents")], CultureInfo.InvariantCulture) is > 0 and < 9),
            row => Assert.NotEqual("", row[Column("suppressed")]));
        Assert.Contains(rows, row => row[Column("suppressed")] == "" && row[Column("score")] != "");
        Assert.Equal("organisation", rows[0][Column("team")]);
    }

    [Fact]
    public async Task An_unknown_team_is_not_found_and_a_backwards_period_is_a_bad_request()
    {
        using var unknown = await app.Http.GetAsync($"api/space/satisfaction?team=no-such-team&{Query(Today.AddDays(-30), Today)}");
        using var backwards = await app.Http.GetAsync($"api/space/activity?{Query(Today, Today.AddDays(-30))}");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.DoesNotContain("nps", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
        Assert.Equal("application/problem+json", backwards.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("api/space/activity", "organisation")]
    [InlineData("api/space/collaboration", "organisation")]
    [InlineData("api/space/flow", "organisation")]
    [InlineData("api/adoption/golden-path", "organisationByMonth")]
    [InlineData("api/adoption/templates", "figures")]
    [InlineData("api/adoption/self-service", "organisation")]
    [InlineData("api/adoption/first-deploy", "organisation")]
    public async Task Every_endpoint_answers_with_figures(string path, string property)
    {
        using var response = await app.Http.GetAsync($"{path}?{Query(Today.AddDays(-180), Today)}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(document.RootElement.TryGetProperty(property, out var value) && value.ValueKind != JsonValueKind.Null, $"{path} has no {property}");
    }

    [Fact]
    public async Task Roi_returns_its_assumptions_edited_by_the_request_beside_the_result()
    {
        var plain = JsonDocument.Parse(await app.Http.GetStringAsync($"api/roi?{Query(Today.AddDays(-540), Today)}"));
        var edited = JsonDocument.Parse(await app.Http.GetStringAsync($"api/roi?{Query(Today.AddDays(-540), Today)}&hourlyCost=80&months=2&kinds=environment,database"));

        var assumptions = edited.RootElement.GetProperty("assumptions");
        Assert.Equal(80, assumptions.GetProperty("hourlyCost").GetDouble());
        Assert.Equal(2, assumptions.GetProperty("months").GetInt32());
        Assert.Equal(["database", "environment"], assumptions.GetProperty("requestKinds").EnumerateArray().Select(k => k.GetString()!));
        Assert.Equal(100, plain.RootElement.GetProperty("assumptions").GetProperty("hourlyCost").GetDouble());
        // The demo's adopting teams are found and compared on each DORA key.
        var frequency = plain.RootElement.GetProperty("dora").EnumerateArray().Single(e => e.GetProperty("key").GetString() == nameof(RoiKey.DeploymentsPerMonth));
        Assert.True(frequency.GetProperty("adopters").GetInt32() > 0);
        Assert.Equal(JsonValueKind.Number, frequency.GetProperty("estimate").ValueKind);
        Assert.False(string.IsNullOrWhiteSpace(frequency.GetProperty("verdict").GetString()));
        if (!frequency.GetProperty("tooFewTeams").GetBoolean())
        {
            Assert.True(frequency.GetProperty("lower").GetDouble() <= frequency.GetProperty("upper").GetDouble());
        }
        // Only effort is priced; waiting time avoided is calendar time beside it.
        var savings = plain.RootElement.GetProperty("savings");
        Assert.Equal(savings.GetProperty("effortSavedHours").GetDouble() * 100, savings.GetProperty("cost").GetDouble(), 6);
        Assert.Equal(JsonValueKind.Number, savings.GetProperty("waitingAvoidedHours").ValueKind);
    }

    /// <summary>
    /// Walks every figure of a satisfaction answer: a withheld one has null values; one from 1 to K − 1 respondents is
    /// withheld. Returns how many were shown and withheld.
    /// </summary>
    private static (int Shown, int Withheld) CheckFigures(JsonElement element, int k)
    {
        var (shown, withheld) = (0, 0);
        if (element.ValueKind == JsonValueKind.Object)
        {
            if (element.TryGetProperty("suppressedBecause", out var reason))
            {
                var respondents = element.GetProperty("respondents").GetInt64();
                var isWithheld = reason.GetString() != nameof(SuppressionReason.None);
                Assert.True(isWithheld == element.GetProperty("suppressed").GetBoolean(), element.GetRawText());
                if (respondents > 0 && respondents < k)
                {
                    Assert.True(isWithheld, $"a figure of {respondents} respondents is shown: {element.GetRawText()}");
                }
                foreach (var field in ValueFields.Where(f => element.TryGetProperty(f, out _)))
                {
                    if (isWithheld)
                    {
                        Assert.True(element.GetProperty(field).ValueKind == JsonValueKind.Null, $"withheld but {field} is given: {element.GetRawText()}");
                    }
                }
                withheld += isWithheld ? 1 : 0;
                shown += !isWithheld && respondents > 0 ? 1 : 0;
            }
            foreach (var property in element.EnumerateObject())
            {
                var (s, w) = CheckFigures(property.Value, k);
                (shown, withheld) = (shown + s, withheld + w);
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                var (s, w) = CheckFigures(item, k);
                (shown, withheld) = (shown + s, withheld + w);
            }
        }
        return (shown, withheld);
    }

    private static int CountWithheld(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => (element.TryGetProperty("suppressed", out var flag) && flag.GetBoolean() ? 1 : 0) + element.EnumerateObject().Sum(p => CountWithheld(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().Sum(CountWithheld),
        _ => 0,
    };

    private async Task<IReadOnlyList<string>> CatalogTeamsAsync() =>
        await app.Services.GetRequiredService<CatalogLookups>().TeamSlugsAsync();
}
