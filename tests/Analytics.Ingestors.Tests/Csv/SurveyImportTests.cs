using System.Security.Cryptography;
using System.Text;
using Analytics.Ingestors.Csv;
using Analytics.Ingestors.Tests.Runs;
using Analytics.Storage.ClickHouse;

namespace Analytics.Ingestors.Tests.Csv;

/// <summary>Survey responses: respondents hashed with the configured salt, scores checked against their question's scale.</summary>
public sealed class SurveyImportTests
{
    private const string Header = "survey_id,respondent_id,team,date,question,score";

    private static async Task<IngestTestHost> HostWithTeamsAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var host = await IngestTestHost.CreateAsync(settings);
        var teams = host.WriteFile("teams.csv", "slug,name\ncheckout,Checkout\n");
        Assert.False((await host.Get<CsvImporter>().ImportAsync(teams, null, "csv-test", skipInvalid: false)).HasErrors);
        return host;
    }

    [Fact]
    public async Task Respondents_are_stored_only_as_an_hmac_of_their_id_with_the_configured_salt()
    {
        await using var host = await HostWithTeamsAsync();
        var path = host.WriteFile("surveys.csv", $"{Header}\npulse-q2,ann.lee@acme.example,checkout,2026-04-13,nps,9\npulse-q2,ann.lee@acme.example,checkout,2026-04-13T16:20:00+02:00,flow,4\n");

        var report = await host.Get<CsvImporter>().ImportAsync(path, null, "csv-test", skipInvalid: false);

        Assert.False(report.HasErrors, string.Join(Environment.NewLine, report.Errors));
        // Keyed per wave (docs/security.md, "Survey key"): HMAC-SHA256(HMAC-SHA256(salt, "survey-wave:" + wave), id).
        var waveKey = HMACSHA256.HashData(Encoding.UTF8.GetBytes(IngestTestHost.SurveySalt), Encoding.UTF8.GetBytes("survey-wave:pulse-q2"));
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(waveKey, Encoding.UTF8.GetBytes("ann.lee@acme.example")));
        var rows = await host.EngineStore.QueryAsync<AnswerRow>("SELECT respondent_hash, question, score, toString(answered_at) AS answered_at FROM survey_responses FINAL ORDER BY question");
        Assert.All(rows, row => Assert.Equal(expected, row.RespondentHash));
        Assert.Equal([("flow", 4, "2026-04-13 14:20:00.000"), ("nps", 9, "2026-04-13 00:00:00.000")], rows.Select(r => (r.Question, (int)r.Score, r.AnsweredAt)).ToList());
        Assert.Equal(0, await host.CountAsync("survey_responses", "position(respondent_hash, 'ann') > 0 OR position(survey_id, 'ann') > 0"));
        Assert.DoesNotContain(host.Logs, line => line.Contains("ann.lee", StringComparison.Ordinal) || line.Contains(IngestTestHost.SurveySalt, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Nps_is_scored_0_to_10_and_every_other_question_1_to_5_and_a_refusal_never_repeats_the_respondent()
    {
        await using var host = await HostWithTeamsAsync();
        var path = host.WriteFile("surveys.csv", $"""
            {Header}
            pulse-q2,r-secret-1,checkout,2026-04-13,nps,0
            pulse-q2,r-secret-1,checkout,2026-04-13,nps,10
            pulse-q2,r-secret-2,checkout,2026-04-13,satisfaction,0
            pulse-q2,r-secret-2,checkout,2026-04-13,flow,6
            pulse-q2,r-secret-3,checkout,2026-04-13,flow,5
            """);

        var report = await host.Get<CsvImporter>().ImportAsync(path, null, "csv-test", skipInvalid: false);

        Assert.Equal([(3, "respondent_id"), (4, "score"), (5, "score")], report.Errors.Select(e => (e.Line ?? 0, e.Column ?? "")).ToList());
        Assert.Contains("an answer by the same respondent to 'nps' in survey 'pulse-q2'", report.Errors[0].Reason);
        Assert.Equal("0 is outside 1–5", report.Errors[1].Reason);
        Assert.Equal("6 is outside 1–5", report.Errors[2].Reason);
        Assert.DoesNotContain(report.Errors, e => e.Reason.Contains("r-secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_a_salt_no_survey_is_imported_and_the_setting_is_named()
    {
        await using var host = await HostWithTeamsAsync(new Dictionary<string, string?> { ["Analytics:Surveys:RespondentSalt"] = null });
        var path = host.WriteFile("surveys.csv", $"{Header}\npulse-q2,ann,checkout,2026-04-13,nps,9\n");

        var report = await host.Get<CsvImporter>().ImportAsync(path, null, "csv-test", skipInvalid: true);

        var error = Assert.Single(report.Errors);
        Assert.Null(error.Line);
        Assert.Contains("Analytics:Surveys:RespondentSalt is not set", error.Reason);
        Assert.Equal(0, await host.CountAsync("survey_responses"));
    }

    [Fact]
    public async Task A_plain_date_is_that_day_in_the_organisations_time_zone_so_an_answer_of_1_February_counts_in_February()
    {
        await using var host = await HostWithTeamsAsync(new Dictionary<string, string?> { ["Analytics:Metrics:TimeZone"] = "America/New_York" });
        var path = host.WriteFile("surveys.csv", $"{Header}\npulse-feb,ann,checkout,2026-02-01,nps,9\n");

        var report = await host.Get<CsvImporter>().ImportAsync(path, null, "csv-test", skipInvalid: false);

        Assert.False(report.HasErrors, string.Join(Environment.NewLine, report.Errors));
        // Midnight in New York, not 2026-02-01 00:00 UTC (which is 31 January, 19:00 there).
        Assert.Equal(1, await host.CountAsync("survey_responses FINAL", "answered_at = toDateTime64('2026-02-01 05:00:00', 3, 'UTC')"));
        // The month the survey figures cut it into, by the product's own query in the organisation's zone.
        var cells = await host.EngineStore.QueryAsync<CellRow>(new SqlFiles().Query("space/survey_respondents"), QueryParameters.From(
            ("from", new DateTimeOffset(2026, 1, 1, 5, 0, 0, TimeSpan.Zero)), ("to", new DateTimeOffset(2026, 3, 1, 5, 0, 0, TimeSpan.Zero)), ("tz", "America/New_York"),
            ("published", new[] { new DateOnly(2026, 1, 1), new DateOnly(2026, 2, 1) })));
        Assert.Equal([new DateOnly(2026, 2, 1)], cells.Select(c => c.AnswerMonth).ToList());
    }

    [Fact]
    public async Task Reimporting_a_corrected_file_that_moves_answers_to_another_team_replaces_them()
    {
        await using var host = await HostWithTeamsAsync();
        var teams = host.WriteFile("teams-2.csv", "slug,name\npayments,Payments\n");
        Assert.False((await host.Get<CsvImporter>().ImportAsync(teams, null, "csv-test", skipInvalid: false)).HasErrors);
        // An open wave (it opened days ago; waves close 28 days after their first answer): corrections still replace.
        var (d1, d2, d3) = (Day(-10), Day(-9), Day(-2));
        var first = host.WriteFile("surveys.csv", $"{Header}\npulse-q2,ann,checkout,{d1},nps,9\npulse-q2,ann,checkout,{d1},flow,4\npulse-q2,bob,checkout,{d2},nps,7\n");
        Assert.False((await host.Get<CsvImporter>().ImportAsync(first, null, "csv-test", skipInvalid: false)).HasErrors);

        // Ann was in payments all along; the corrected export also fixes the day she answered flow.
        var corrected = host.WriteFile("surveys.csv", $"{Header}\npulse-q2,ann,payments,{d1},nps,9\npulse-q2,ann,payments,{d3},flow,4\npulse-q2,bob,checkout,{d2},nps,7\n");
        var report = await host.Get<CsvImporter>().ImportAsync(corrected, null, "csv-test", skipInvalid: false);

        Assert.False(report.HasErrors, string.Join(Environment.NewLine, report.Errors));
        var rows = await host.EngineStore.QueryAsync<TeamAnswerRow>(
            "SELECT team, question, toString(toDate(answered_at)) AS day FROM survey_responses FINAL ORDER BY team, question, day");
        Assert.Equal([("checkout", "nps", d2), ("payments", "flow", d3), ("payments", "nps", d1)],
            rows.Select(r => (r.Team, r.Question, r.Day)).ToList());
    }

    private static string Day(int fromToday) => DateTime.UtcNow.Date.AddDays(fromToday).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private sealed record AnswerRow(string RespondentHash, string Question, short Score, string AnsweredAt);

    private sealed record TeamAnswerRow(string Team, string Question, string Day);

    private sealed record CellRow(string Question, string Owner, DateOnly AnswerMonth, ulong[] Respondents);
}
