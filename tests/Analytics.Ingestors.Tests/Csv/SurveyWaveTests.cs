using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Analytics.Core.Dora;
using Analytics.Core.Space;
using Analytics.Ingestors.Csv;
using Analytics.Ingestors.Tests.Runs;
using Analytics.Storage.ClickHouse;
using Analytics.Storage.Metrics;
using Microsoft.Extensions.Options;

namespace Analytics.Ingestors.Tests.Csv;

/// <summary>
/// Survey privacy over time (docs/metrics.md, "Survey waves"; docs/security.md, "Survey key"): a closed wave's month
/// is shown and then frozen, respondent hashes are keyed per wave, an erasure removes exactly one person's answers,
/// and the secret is in neither ClickHouse nor the catalog. Real engine, real catalog, the real CSV import.
/// </summary>
public sealed class SurveyWaveTests
{
    private const string Header = "survey_id,respondent_id,team,date,question,score";

    private static readonly DateTimeOffset March = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static async Task<IngestTestHost> HostAsync()
    {
        var host = await IngestTestHost.CreateAsync();
        var teams = host.WriteFile("teams.csv", "slug,name\ncheckout,Checkout\npayments,Payments\n");
        Assert.False((await host.Get<CsvImporter>().ImportAsync(teams, null, "csv-test", skipInvalid: false)).HasErrors);
        return host;
    }

    private static async Task<CsvImportReport> ImportAsync(IngestTestHost host, string name, string rows) =>
        await host.Get<CsvImporter>().ImportAsync(host.WriteFile($"surveys-{name}", $"{Header}\n{rows}"), null, "csv-test", skipInvalid: false);

    private static async Task ImportCleanAsync(IngestTestHost host, string name, string rows)
    {
        var report = await ImportAsync(host, name, rows);
        Assert.False(report.HasErrors, string.Join(Environment.NewLine, report.Errors));
    }

    private static SurveyQueries Queries(IngestTestHost host) =>
        new(host.EngineStore, new SqlFiles(), host.Get<IOptions<MetricOptions>>(), Options.Create(new SpaceOptions { MinimumRespondents = 3 }));

    private static string Figures(SatisfactionResult result) => JsonSerializer.Serialize(result);

    /// <summary>The per-wave hash as documented: HMAC-SHA256(HMAC-SHA256(secret, "survey-wave:" + wave), id).</summary>
    private static string Expected(string respondent, string wave) => Convert.ToHexStringLower(HMACSHA256.HashData(
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(IngestTestHost.SurveySalt), Encoding.UTF8.GetBytes("survey-wave:" + wave)), Encoding.UTF8.GetBytes(respondent)));

    private static string Today => DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_month_once_shown_is_frozen_later_imports_for_it_are_refused_and_its_figures_do_not_change()
    {
        await using var host = await HostAsync();
        // pulse-mar opened on 10 March: 28 days later it closed on its own, and March (its only wave) is published.
        const string MarchFile = """
            pulse-mar,r1,checkout,2026-03-10,nps,9
            pulse-mar,r2,checkout,2026-03-10,nps,10
            pulse-mar,r3,checkout,2026-03-11,nps,6
            pulse-mar,r4,payments,2026-03-11,nps,9
            pulse-mar,r5,payments,2026-03-12,nps,3
            pulse-mar,r6,payments,2026-03-12,nps,8
            """;
        await ImportCleanAsync(host, "march.csv", MarchFile);
        var queries = Queries(host);
        var shown = await queries.SatisfactionAsync(new SpaceRequest(March, March.AddMonths(1)));
        Assert.Equal(6, shown.Organisation.Nps.Respondents);
        Assert.False(shown.Organisation.Nps.Suppressed);
        Assert.Equal(100 * ((3 / 6.0) - (2 / 6.0)), shown.Organisation.Nps.Score!.Value, 9);
        var rowsBefore = await host.CountAsync("survey_responses");

        // A late answer to the closed wave, a correction of a shown answer, and a new survey dated in the published month.
        var late = await ImportAsync(host, "late.csv", """
            pulse-mar,r7,checkout,2026-03-13,nps,0
            pulse-mar,r1,checkout,2026-03-10,nps,0
            pulse-extra,r8,payments,2026-03-20,nps,0
            """);

        Assert.Equal([(2, "survey_id"), (3, "survey_id"), (4, "date")], late.Errors.Select(e => (e.Line ?? 0, e.Column ?? "")).ToList());
        Assert.All(late.Errors, e => Assert.EndsWith("late.csv", e.File, StringComparison.Ordinal));
        Assert.Contains("survey wave 'pulse-mar' closed on 2026-04-07", late.Errors[0].Reason, StringComparison.Ordinal);
        Assert.Contains("new survey id", late.Errors[0].Reason, StringComparison.Ordinal);
        Assert.Contains("2026-03 is published", late.Errors[2].Reason, StringComparison.Ordinal);
        Assert.Equal(rowsBefore, await host.CountAsync("survey_responses"));
        Assert.Equal(Figures(shown), Figures(await queries.SatisfactionAsync(new SpaceRequest(March, March.AddMonths(1)))));

        // The same file again changes nothing, so it is accepted (import stays idempotent) and March stays the same.
        await ImportCleanAsync(host, "march.csv", MarchFile);
        Assert.Equal(6, await host.CountAsync("survey_responses FINAL"));
        Assert.Equal(Figures(shown), Figures(await queries.SatisfactionAsync(new SpaceRequest(March, March.AddMonths(1)))));
    }

    [Fact]
    public async Task An_open_wave_takes_corrections_and_is_not_shown_until_it_closes_then_takes_nothing_more()
    {
        await using var host = await HostAsync();
        var month = new DateTimeOffset(DateTime.UtcNow.Year, DateTime.UtcNow.Month, 1, 0, 0, 0, TimeSpan.Zero);
        await ImportCleanAsync(host, "now.csv", $"pulse-now,r1,checkout,{Today},flow,1\npulse-now,r2,checkout,{Today},flow,2\npulse-now,r3,checkout,{Today},flow,3\n");
        // Before closing, a corrected file replaces the answer (same wave, same keyed hash).
        await ImportCleanAsync(host, "now.csv", $"pulse-now,r1,checkout,{Today},flow,4\n");
        Assert.Equal(3, await host.CountAsync("survey_responses FINAL"));
        var queries = Queries(host);
        var open = await queries.SatisfactionAsync(new SpaceRequest(month, month.AddMonths(1)));
        Assert.Equal(0, open.Organisation.Respondents);
        Assert.Null(open.Organisation.Question("flow"));
        // The page says which month of the period has answers not counted yet (the NPS line's "not counted yet").
        var thisMonth = DateOnly.FromDateTime(month.UtcDateTime);
        Assert.Equal([thisMonth], open.Months);
        Assert.Equal([thisMonth], open.UnpublishedMonths);

        var closed = await host.Get<SurveyWaves>().CloseAsync("pulse-now", "test");

        Assert.NotNull(closed);
        Assert.True(closed.ClosedByHand);
        var shown = await queries.SatisfactionAsync(new SpaceRequest(month, month.AddMonths(1)));
        Assert.Equal(3, shown.Organisation.Question("flow")!.Respondents);
        Assert.Equal((4 + 2 + 3) / 3.0, shown.Organisation.Question("flow")!.Mean!.Value, 9);
        Assert.Empty(shown.UnpublishedMonths);
        var refused = await ImportAsync(host, "now.csv", $"pulse-now,r1,checkout,{Today},flow,5\n");
        Assert.Equal("survey_id", Assert.Single(refused.Errors).Column);
        Assert.Null(await host.Get<SurveyWaves>().CloseAsync("no-such-wave", "test"));
    }

    [Fact]
    public async Task A_distribution_is_withheld_where_everyone_chose_the_same_score_and_so_is_every_period_containing_it()
    {
        await using var host = await HostAsync();
        await ImportCleanAsync(host, "two-months.csv", """
            pulse-mar,r1,checkout,2026-03-10,flow,4
            pulse-mar,r2,checkout,2026-03-10,flow,4
            pulse-mar,r3,checkout,2026-03-10,flow,4
            pulse-mar,r4,payments,2026-03-10,flow,1
            pulse-mar,r5,payments,2026-03-10,flow,2
            pulse-mar,r6,payments,2026-03-10,flow,3
            pulse-mar,r7,payments,2026-03-10,flow,5
            pulse-apr,r1,checkout,2026-04-07,flow,1
            pulse-apr,r2,checkout,2026-04-07,flow,2
            pulse-apr,r3,checkout,2026-04-07,flow,3
            pulse-apr,r4,checkout,2026-04-07,flow,4
            pulse-apr,r5,payments,2026-04-07,flow,2
            pulse-apr,r6,payments,2026-04-07,flow,3
            pulse-apr,r7,payments,2026-04-07,flow,4
            pulse-apr,r8,payments,2026-04-07,flow,5
            """);

        var result = await Queries(host).SatisfactionAsync(new SpaceRequest(March, March.AddMonths(2)));

        LikertFigure Flow(string team, DateOnly? month) => (team, month) switch
        {
            ("", null) => result.Organisation.Question("flow")!,
            ("", { } m) => Assert.Single(result.OrganisationByMonth, g => g.Month == m).Question("flow")!,
            (_, null) => Assert.Single(result.Teams, g => g.Team == team).Question("flow")!,
            (_, { } m) => Assert.Single(result.TeamsByMonth, g => g.Team == team && g.Month == m).Question("flow")!,
        };
        var (mar, apr) = (new DateOnly(2026, 3, 1), new DateOnly(2026, 4, 1));
        // Checkout's March: all three chose 4. The mean stays (K respondents), the distribution goes, for every March group.
        Assert.Equal(4.0, Flow("checkout", mar).Mean);
        Assert.False(Flow("checkout", mar).Suppressed);
        Assert.All([Flow("checkout", mar), Flow("payments", mar), Flow("", mar)], figure =>
        {
            Assert.True(figure.DistributionWithheld);
            Assert.Null(figure.Distribution);
        });
        // April passes everywhere; a period containing March does not (it minus April would give March back).
        Assert.Equal([1L, 1, 1, 1, 0], Flow("checkout", apr).Distribution);
        Assert.Equal([0L, 1, 1, 1, 1], Flow("payments", apr).Distribution);
        Assert.Equal([1L, 2, 2, 2, 1], Flow("", apr).Distribution);
        Assert.All([Flow("checkout", null), Flow("payments", null), Flow("", null)], figure => Assert.Null(figure.Distribution));
        Assert.NotNull(Flow("", null).Mean);
    }

    [Fact]
    public async Task The_same_person_has_an_unrelated_hash_in_every_wave_keyed_by_the_secret()
    {
        await using var host = await HostAsync();
        await ImportCleanAsync(host, "waves.csv", """
            pulse-a,ann.lee@acme.example,checkout,2026-03-02,nps,9
            pulse-a,ann.lee@acme.example,checkout,2026-03-02,flow,4
            pulse-b,ann.lee@acme.example,checkout,2026-04-06,nps,7
            ,ann.lee@acme.example,checkout,2026-05-04,nps,8
            """);

        var hashes = await host.EngineStore.QueryAsync<WaveHash>(
            "SELECT DISTINCT survey_id, respondent_hash FROM survey_responses FINAL ORDER BY survey_id");

        Assert.Equal(
            [("", Expected("ann.lee@acme.example", "@2026-05")), ("pulse-a", Expected("ann.lee@acme.example", "pulse-a")), ("pulse-b", Expected("ann.lee@acme.example", "pulse-b"))],
            hashes.Select(h => (h.SurveyId, h.RespondentHash)).ToList());
        Assert.Equal(3, hashes.Select(h => h.RespondentHash).Distinct().Count());
        // Not the old stable hash that linked a person across every survey.
        var stable = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(IngestTestHost.SurveySalt), Encoding.UTF8.GetBytes("ann.lee@acme.example")));
        Assert.DoesNotContain(hashes, h => h.RespondentHash == stable);
    }

    [Fact]
    public async Task Erasing_a_respondent_removes_exactly_their_answers_in_every_wave_and_reports_how_many()
    {
        await using var host = await HostAsync();
        await ImportCleanAsync(host, "waves.csv", """
            pulse-a,ann,checkout,2026-03-02,nps,9
            pulse-a,ann,checkout,2026-03-02,flow,4
            pulse-a,bob,checkout,2026-03-02,nps,5
            pulse-b,ann,payments,2026-04-06,nps,7
            pulse-b,cat,payments,2026-04-06,nps,10
            ,ann,checkout,2026-05-04,nps,8
            ,bob,checkout,2026-05-04,nps,2
            """);
        var all = await RowsAsync(host);
        var annHashes = new[] { Expected("ann", "pulse-a"), Expected("ann", "pulse-b"), Expected("ann", "@2026-05") };

        var erased = await host.Get<RespondentErasure>().EraseAsync("ann");

        Assert.Equal(new ErasureResult(Answers: 4, Waves: 3), erased);
        Assert.Equal(all.Where(r => !annHashes.Contains(r.RespondentHash)).ToList(), await RowsAsync(host));
        Assert.Equal(0, await host.CountAsync("survey_responses", $"respondent_hash IN ('{string.Join("','", annHashes)}')"));
        Assert.Equal(new ErasureResult(0, 0), await host.Get<RespondentErasure>().EraseAsync("nobody-here"));
        Assert.DoesNotContain(host.Logs, line => line.Contains("ann", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_secret_and_the_wave_keys_are_in_no_clickhouse_table_and_not_in_the_catalog()
    {
        await using var host = await HostAsync();
        await ImportCleanAsync(host, "waves.csv", "pulse-a,ann,checkout,2026-03-02,nps,9\n,bob,checkout,2026-05-04,nps,2\n");
        await host.Get<SurveyWaves>().CloseAsync("@2026-05", "test");
        var secrets = new[]
        {
            IngestTestHost.SurveySalt,
            Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(IngestTestHost.SurveySalt), Encoding.UTF8.GetBytes("survey-wave:pulse-a"))),
        };

        var columns = await host.EngineStore.QueryAsync<TextColumn>(
            "SELECT table, name FROM system.columns WHERE database = currentDatabase() AND type LIKE '%String%' " +
            "AND table IN (SELECT name FROM system.tables WHERE database = currentDatabase() AND engine NOT LIKE '%View%')");
        Assert.Contains(columns, c => c.Table == "survey_responses" && c.Name == "respondent_hash");
        foreach (var table in columns.GroupBy(c => c.Table))
        {
            var anyColumn = string.Join(" OR ", table.Select(c => $"positionCaseInsensitive(toString(`{c.Name}`), {{secret:String}}) > 0"));
            foreach (var secret in secrets)
            {
                var hits = await host.EngineStore.QueryAsync<Count>($"SELECT count() AS n FROM `{table.Key}` WHERE {anyColumn}", QueryParameters.From(("secret", secret)));
                Assert.True(hits[0].N == 0, $"{table.Key} holds the survey secret or a wave key");
            }
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(host.Folder, "catalog.db*"))
        {
            var bytes = await File.ReadAllBytesAsync(file);
            Assert.All(secrets, secret => Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret))));
        }
    }

    [Fact]
    public void A_key_file_readable_by_others_is_refused_and_one_of_mode_0600_keys_like_the_setting()
    {
        if (OperatingSystem.IsWindows())
        {
            return;   // file modes are POSIX; Windows has ACLs the check does not read
        }
        var path = Path.Combine(Path.GetTempPath(), $"survey-key-{Guid.NewGuid():N}");
        try
        {
            File.WriteAllText(path, IngestTestHost.SurveySalt + "\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            var open = new RespondentHasher(Options.Create(new SurveyOptions { KeyFile = path }));
            Assert.Contains("chmod 600", open.Problem, StringComparison.Ordinal);
            Assert.DoesNotContain(IngestTestHost.SurveySalt, open.Problem, StringComparison.Ordinal);

            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var owned = new RespondentHasher(Options.Create(new SurveyOptions { KeyFile = path }));
            Assert.Null(owned.Problem);
            Assert.Equal(Expected("ann", "pulse-a"), owned.Hash("ann", "pulse-a"));
            Assert.NotNull(new RespondentHasher(Options.Create(new SurveyOptions { KeyFile = path, RespondentSalt = IngestTestHost.SurveySalt })).Problem);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<List<StoredRow>> RowsAsync(IngestTestHost host) => (await host.EngineStore.QueryAsync<StoredRow>(
        "SELECT survey_id, respondent_hash, team, question, score FROM survey_responses FINAL ORDER BY survey_id, respondent_hash, question")).ToList();

    private sealed record WaveHash(string SurveyId, string RespondentHash);

    private sealed record StoredRow(string SurveyId, string RespondentHash, string Team, string Question, short Score);

    private sealed record TextColumn(string Table, string Name);

    private sealed record Count(ulong N);
}
