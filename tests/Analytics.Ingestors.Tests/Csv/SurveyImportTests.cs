using System.Security.Cryptography;
using System.Text;
using Analytics.Ingestors.Csv;
using Analytics.Ingestors.Tests.Runs;

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
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(IngestTestHost.SurveySalt), Encoding.UTF8.GetBytes("ann.lee@acme.example")));
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

    private sealed record AnswerRow(string RespondentHash, string Question, short Score, string AnsweredAt);
}
