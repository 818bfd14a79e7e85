using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Analytics.Core.Dora;
using Analytics.Core.Space;
using Analytics.Ingestors.Csv;
using Analytics.Ingestors.Runs;
using Analytics.Ingestors.Surveys;
using Analytics.Ingestors.Tests.Runs;
using Analytics.Storage.ClickHouse;
using Analytics.Storage.Metrics;
using Analytics.Testing;
using Microsoft.Extensions.Options;

namespace Analytics.Ingestors.Tests.Surveys;

/// <summary>
/// Survey tool exports through a mapping file (docs/ingestion.md, "Survey tool exports"): the documented sample of
/// each tool, in its real column layout, gives exactly the answers it holds, through the real engine and the checks
/// and storage of surveys.csv; bad mappings and exports are refused naming file, line, field and reason.
/// </summary>
public sealed class SurveyExportImportTests
{
    private static string Samples(string tool, string file) =>
        Path.Combine(RepositoryPaths.Root, "tests", "Analytics.Ingestors.Tests", "Surveys", "Samples", tool, file);

    /// <summary>The three responses every sample holds, as answers: (team, question, score, answered_at in UTC).</summary>
    private static readonly (string Team, string Question, int Score, string AnsweredAt)[] Expected =
    [
        ("checkout", "flow", 4, "2026-04-14 07:12:05.000"),
        ("checkout", "nps", 9, "2026-04-14 07:12:05.000"),
        ("checkout", "platform-ease", 5, "2026-04-14 07:12:05.000"),
        ("payments", "flow", 2, "2026-04-14 14:40:31.000"),
        ("payments", "nps", 6, "2026-04-14 14:40:31.000"),
        ("payments", "platform-ease", 3, "2026-04-14 14:40:31.000"),
        // The third respondent skipped the platform question: no answer is stored for it.
        ("checkout", "flow", 5, "2026-04-15 06:03:00.000"),
        ("checkout", "nps", 10, "2026-04-15 06:03:00.000"),
    ];

    private static async Task<IngestTestHost> HostWithTeamsAsync()
    {
        var host = await IngestTestHost.CreateAsync();
        var teams = host.WriteFile("teams.csv", "slug,name\ncheckout,Checkout\npayments,Payments\n");
        Assert.False((await host.Get<CsvImporter>().ImportAsync(teams, null, "csv-test", skipInvalid: false)).HasErrors);
        return host;
    }

    private static async Task<List<(string Team, string Question, int Score, string AnsweredAt)>> AnswersAsync(IngestTestHost host)
    {
        var rows = await host.EngineStore.QueryAsync<AnswerRow>(
            "SELECT survey_id, respondent_hash, team, question, toInt32(score) AS score, toString(answered_at) AS answered_at FROM survey_responses FINAL ORDER BY answered_at, question");
        Assert.All(rows, row => Assert.Equal("devex-2026-04", row.SurveyId));
        return rows.Select(r => (r.Team, r.Question, r.Score, r.AnsweredAt)).ToList();
    }

    private static string Hash(string respondent) => Convert.ToHexStringLower(HMACSHA256.HashData(
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(IngestTestHost.SurveySalt), Encoding.UTF8.GetBytes("survey-wave:devex-2026-04")), Encoding.UTF8.GetBytes(respondent)));

    [Theory]
    [InlineData("google-forms", "responses.csv", "ann.example@acme.example")]
    [InlineData("typeform", "responses.csv", "ann.example@acme.example")]
    [InlineData("typeform-api", "responses.json", "ann.example@acme.example")]
    [InlineData("microsoft-forms", "responses.csv", "ann.example@acme.example")]
    [InlineData("culture-amp", "responses.csv", "E-1041")]
    public async Task Each_tools_sample_export_gives_exactly_its_answers_and_a_second_import_writes_nothing_new(string tool, string export, string firstRespondent)
    {
        await using var host = await HostWithTeamsAsync();
        var importer = host.Get<SurveyExportImporter>();

        var report = await importer.ImportAsync(Samples(tool, export), Samples(tool, "mapping.yaml"), "survey-test");

        Assert.False(report.HasErrors, string.Join(Environment.NewLine, report.Errors));
        Assert.Equal(3, report.Files.Single().RowsRead);
        Assert.Equal(8, report.RowsPerTable["survey_responses"]);
        Assert.Equal(Expected, await AnswersAsync(host));
        // The respondent is stored only as the wave's keyed hash (docs/security.md, "Survey key"), never logged.
        Assert.Equal(3, await host.CountAsync("survey_responses FINAL", $"respondent_hash = '{Hash(firstRespondent)}'"));
        Assert.DoesNotContain(host.Logs, line => line.Contains("example@acme", StringComparison.Ordinal) || line.Contains("E-1041", StringComparison.Ordinal));

        var again = await importer.ImportAsync(Samples(tool, export), Samples(tool, "mapping.yaml"), "survey-test");

        Assert.False(again.HasErrors, string.Join(Environment.NewLine, again.Errors));
        Assert.Equal(Expected, await AnswersAsync(host));
        Assert.Equal(8, await host.CountAsync("survey_responses FINAL"));
    }

    [Fact]
    public async Task A_bad_mapping_is_refused_with_every_problem_naming_the_file_line_field_and_reason()
    {
        await using var host = await HostWithTeamsAsync();
        var mapping = host.WriteFile("bad-mapping.yaml", """
            survey_id: devex-2026-04
            submitted_at:
              column: Timestamp
              time_zone: Mars/Olympus_Mons
            team:
              column: Which team are you on?
              value: checkout
            scales:
              agreement:
                Disagree: 1
                Agree: 7
            questions:
              - column: I can ship a change to production without waiting on another team.
                id: flow
                scale: agreement
              - column: How likely are you to recommend our developer platform to a colleague?
                id: NPS
                scale: number
              - column: Our developer platform makes my work easier.
                id: platform-ease
                scale: likert
            """);

        var report = await host.Get<SurveyExportImporter>().ImportAsync(Samples("google-forms", "responses.csv"), mapping, "survey-test");

        Assert.Equal(
        [
            $"{mapping}, line 1, field respondent: is required: the column holding the respondent's email or an anonymous response id (it is stored only as a keyed hash)",
            $"{mapping}, line 4, field submitted_at.time_zone: 'Mars/Olympus_Mons' is not a known time zone (an IANA name such as Europe/Berlin, or UTC)",
            $"{mapping}, line 6, field team: give exactly one of value (a team's slug) and column (the export's column naming the team)",
            $"{mapping}, line 15, field questions[0].scale: scale 'agreement' scores 'Agree' 7, outside 1–5, the range of question 'flow'",
            $"{mapping}, line 17, field questions[1].id: 'NPS' is not an id: use lower-case letters, digits, '.', '_' and '-'",
            $"{mapping}, line 21, field questions[2].scale: 'likert' is not one of the scales (number, agreement)",
        ], report.Errors.OrderBy(e => e.Line).Select(e => e.ToString()).ToList(), (a, b) => a == b || Fail(a, b));
        Assert.Equal(0, await host.CountAsync("survey_responses"));
    }

    [Fact]
    public async Task A_scale_scoring_outside_its_questions_range_and_a_column_the_export_lacks_are_named_in_the_mapping()
    {
        await using var host = await HostWithTeamsAsync();
        var mapping = host.WriteFile("mapping.yaml", """
            survey_id: devex-2026-04
            respondent: Email Address
            submitted_at: { column: Timestamp, format: "yyyy/MM/dd h:mm:ss tt 'GMT'z" }
            team: { value: checkout }
            scales:
              ten: { Low: 0, High: 10 }
            questions:
              - { column: I can ship a change to production without waiting on another team., id: flow, scale: ten }
            """);
        var report = await host.Get<SurveyExportImporter>().ImportAsync(Samples("google-forms", "responses.csv"), mapping, "survey-test");
        Assert.Equal(
        [
            $"{mapping}, line 8, field questions[0].scale: scale 'ten' scores 'Low' 0, outside 1–5, the range of question 'flow'",
            $"{mapping}, line 8, field questions[0].scale: scale 'ten' scores 'High' 10, outside 1–5, the range of question 'flow'",
        ], report.Errors.Select(e => e.ToString()).ToList());

        var missing = host.WriteFile("missing.yaml", """
            survey_id: devex-2026-04
            respondent: Email address
            submitted_at: { column: Timestamp, format: "yyyy/MM/dd h:mm:ss tt 'GMT'z" }
            team: { value: checkout }
            questions:
              - { column: How likely are you to recommend us?, id: nps, scale: number }
            """);
        report = await host.Get<SurveyExportImporter>().ImportAsync(Samples("google-forms", "responses.csv"), missing, "survey-test");
        Assert.Equal(
        [
            $"{missing}, field respondent: the export has no column 'Email address' (did you mean 'Email Address'?); the names must match exactly",
            $"{missing}, line 6, field questions[0].column: the export has no column 'How likely are you to recommend us?'; the names must match exactly",
        ], report.Errors.Select(e => e.ToString()).ToList());
        Assert.Equal(0, await host.CountAsync("survey_responses"));
    }

    [Fact]
    public async Task A_bad_export_imports_nothing_and_each_problem_names_the_export_line_and_column_never_the_respondent()
    {
        await using var host = await HostWithTeamsAsync();
        var export = host.WriteFile("responses.csv", """
            "Timestamp","Email Address","Which team are you on?","I can ship a change to production without waiting on another team.","Our developer platform makes my work easier.","How likely are you to recommend our developer platform to a colleague?"
            "2026/04/14 9:12:05 AM GMT+2","ann.example@acme.example","Checkout","Agree","Sort of","9"
            "14.04.2026 16:40","bo.example@acme.example","Payments","Disagree","Agree","6"
            "2026/04/15 8:03:00 AM GMT+2","cy.example@acme.example","Search","Agree","Agree","11"
            "2026/04/15 8:05:00 AM GMT+2","","Checkout","Agree","Agree","7"
            "2026/04/15 8:09:00 AM GMT+2","dee.example@acme.example","Checkout","Agree","Agree","8"
            """);

        var report = await host.Get<SurveyExportImporter>().ImportAsync(export, Samples("google-forms", "mapping.yaml"), "survey-test");

        Assert.Equal(
        [
            $"{export}, line 2, column Our developer platform makes my work easier.: 'Sort of' is not a label of scale 'agreement' ('Strongly disagree', 'Disagree', 'Neither agree nor disagree', 'Agree', 'Strongly agree')",
            $"{export}, line 3, column Timestamp: '14.04.2026 16:40' does not match the format 'yyyy/MM/dd h:mm:ss tt 'GMT'z' of submitted_at in the mapping",
            $"{export}, line 4, column Which team are you on?: 'Search' is not one of the values of team.values in the mapping ('Checkout', 'Payments')",
            $"{export}, line 5, column Email Address: is empty; every response needs its respondent (an email or an anonymous response id)",
        ], report.Errors.Select(e => e.ToString()).ToList());
        Assert.Equal(0, await host.CountAsync("survey_responses"));

        // Rows the export reads well are checked as surveys.csv checks them: an NPS of 11 is refused on its line and column.
        var fixedExport = host.WriteFile("fixed.csv", $"{File.ReadAllLines(export)[0]}\n\"2026/04/15 8:03:00 AM GMT+2\",\"cy.example@acme.example\",\"Checkout\",\"Agree\",\"Agree\",\"11\"\n");
        report = await host.Get<SurveyExportImporter>().ImportAsync(fixedExport, Samples("google-forms", "mapping.yaml"), "survey-test");
        var error = Assert.Single(report.Errors);
        Assert.Equal($"{fixedExport}, line 2, column How likely are you to recommend our developer platform to a colleague?: 11 is outside 0–10", error.ToString());
        Assert.DoesNotContain(report.Errors, e => e.ToString().Contains("example@acme", StringComparison.Ordinal));
        Assert.Equal(0, await host.CountAsync("survey_responses"));
    }

    [Fact]
    public async Task A_mapping_may_be_json_and_a_truncated_typeform_answer_is_refused_as_a_whole_file()
    {
        await using var host = await HostWithTeamsAsync();
        var mapping = host.WriteFile("mapping.json", """
            {
              "survey_id": "devex-2026-04",
              "format": "typeform-json",
              "respondent": "response_id",
              "submitted_at": "submitted_at",
              "team": { "value": "checkout" },
              "questions": [ { "column": "nps", "id": "nps", "scale": "number" } ]
            }
            """);
        var json = await File.ReadAllTextAsync(Samples("typeform-api", "responses.json"));
        var truncated = host.WriteFile("truncated.json", json[..(json.Length / 2)]);

        var report = await host.Get<SurveyExportImporter>().ImportAsync(truncated, mapping, "survey-test");

        var error = Assert.Single(report.Errors);
        Assert.Equal(truncated, error.File);
        Assert.Null(error.Line);
        Assert.StartsWith("is not valid JSON (line ", error.Reason, StringComparison.Ordinal);
        Assert.Equal(0, await host.CountAsync("survey_responses"));

        report = await host.Get<SurveyExportImporter>().ImportAsync(Samples("typeform-api", "responses.json"), mapping, "survey-test");
        Assert.False(report.HasErrors, string.Join(Environment.NewLine, report.Errors));
        Assert.Equal([9, 6, 10], (await host.EngineStore.QueryAsync<ScoreRow>(
            "SELECT toInt32(score) AS score FROM survey_responses FINAL ORDER BY answered_at")).Select(r => r.Score).ToList());
    }

    [Fact]
    public async Task The_nps_of_an_imported_google_forms_export_equals_that_of_the_same_answers_imported_as_surveys_csv()
    {
        await using var fromExport = await HostWithTeamsAsync();
        var report = await fromExport.Get<SurveyExportImporter>().ImportAsync(Samples("google-forms", "responses.csv"), Samples("google-forms", "mapping.yaml"), "survey-test");
        Assert.False(report.HasErrors, string.Join(Environment.NewLine, report.Errors));

        await using var fromCsv = await HostWithTeamsAsync();
        var csv = fromCsv.WriteFile("surveys.csv", """
            survey_id,respondent_id,team,date,question,score
            devex-2026-04,ann.example@acme.example,checkout,2026-04-14T09:12:05+02:00,flow,4
            devex-2026-04,ann.example@acme.example,checkout,2026-04-14T09:12:05+02:00,platform-ease,5
            devex-2026-04,ann.example@acme.example,checkout,2026-04-14T09:12:05+02:00,nps,9
            devex-2026-04,bo.example@acme.example,payments,2026-04-14T16:40:31+02:00,flow,2
            devex-2026-04,bo.example@acme.example,payments,2026-04-14T16:40:31+02:00,platform-ease,3
            devex-2026-04,bo.example@acme.example,payments,2026-04-14T16:40:31+02:00,nps,6
            devex-2026-04,cy.example@acme.example,checkout,2026-04-15T08:03:00+02:00,flow,5
            devex-2026-04,cy.example@acme.example,checkout,2026-04-15T08:03:00+02:00,nps,10
            """);
        var csvReport = await fromCsv.Get<CsvImporter>().ImportAsync(csv, null, "csv-test", skipInvalid: false);
        Assert.False(csvReport.HasErrors, string.Join(Environment.NewLine, csvReport.Errors));

        // The wave opened on 14 April 2026 and closed 28 days later, so April is published (docs/metrics.md, "Survey waves").
        var april = new SpaceRequest(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero));
        var exported = await Queries(fromExport).SatisfactionAsync(april);
        var imported = await Queries(fromCsv).SatisfactionAsync(april);

        // Promoters 9 and 10, one detractor (6): (2 - 1) / 3 = +33.3.
        Assert.Equal(3, exported.Organisation.Nps.Respondents);
        Assert.Equal(JsonSerializer.Serialize(imported.Organisation.Nps), JsonSerializer.Serialize(exported.Organisation.Nps));
        Assert.Equal(JsonSerializer.Serialize(imported), JsonSerializer.Serialize(exported));
    }

    [Fact]
    public async Task A_scheduled_source_reads_a_folder_of_exports_once_and_again_only_when_an_export_or_the_mapping_changes()
    {
        await using var host = await HostWithTeamsAsync();
        var folder = Path.Combine(host.Folder, "exports");
        Directory.CreateDirectory(folder);
        File.Copy(Samples("google-forms", "responses.csv"), Path.Combine(folder, "devex-april.csv"));
        var mapping = Path.Combine(host.Folder, "mapping.yaml");
        File.Copy(Samples("google-forms", "mapping.yaml"), mapping);
        var source = new SurveyExportSource("forms-drop", folder, mapping, host.Get<SurveyExportImporter>());
        var runner = host.Get<IngestRunner>();

        var first = await runner.RunAsync(source);
        Assert.True(first.Succeeded, first.Error);
        Assert.Equal(8, first.RowsPerTable["survey_responses"]);

        var unchanged = await runner.RunAsync(source);
        Assert.True(unchanged.Succeeded, unchanged.Error);
        Assert.Empty(unchanged.RowsPerTable);

        File.AppendAllText(mapping, "# a comment changes the mapping's hash\n");
        var changed = await runner.RunAsync(source);
        Assert.Equal(8, changed.RowsPerTable["survey_responses"]);
        Assert.Equal(8, await host.CountAsync("survey_responses FINAL"));
    }

    /// <summary>Shows both messages whole when they differ (a list comparison shows only their beginning).</summary>
    private static bool Fail(string expected, string actual) => throw new Xunit.Sdk.XunitException($"Expected:\n{expected}\nActual:\n{actual}");

    private static SurveyQueries Queries(IngestTestHost host) =>
        new(host.EngineStore, new SqlFiles(), host.Get<IOptions<MetricOptions>>(), Options.Create(new SpaceOptions { MinimumRespondents = 3 }));

    private sealed record ScoreRow(int Score);

    private sealed record AnswerRow(string SurveyId, string RespondentHash, string Team, string Question, int Score, string AnsweredAt);
}
