using Analytics.Core.Space;

namespace Analytics.Storage.Tests.Space;

/// <summary>
/// Satisfaction worked out by hand (expected numbers in the comments), through the real SQL files on the embedded
/// engine, with K = 3. Two surveys: s-jan (alpha r1–r4, beta r5–r7, gamma r8–r9) and s-feb (alpha r1–r3, beta r5–r7, r10).
/// NPS answers: Jan alpha 10, 9, 6, 8; beta 10, 3, 7; gamma 9, 2. Feb alpha 10, 10, 10; beta 5, 6, 9, 9.
/// </summary>
public sealed class SurveyQueriesTests : IAsyncLifetime
{
    private static readonly DateTimeOffset January = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset March = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Jan = new(2025, 1, 1);
    private static readonly DateOnly Feb = new(2025, 2, 1);
    private IClickHouseStore _store = default!;
    private SatisfactionResult _result = default!;

    public async Task InitializeAsync()
    {
        _store = await EmbeddedEngine.NewMigratedDatabaseAsync("survey");
        foreach (var statement in Scenario.Split(";\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            await _store.ExecuteAsync(statement);
        }
        _result = await Queries(3).SatisfactionAsync(new SpaceRequest(January, March));
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    private SurveyQueries Queries(int minimumRespondents, string timeZone = "UTC") =>
        new(_store, new SqlFiles(), Options.Create(new MetricOptions { TimeZone = timeZone }), Options.Create(new SpaceOptions { MinimumRespondents = minimumRespondents }));

    private SurveyGroup Team(string team) => Assert.Single(_result.Teams, g => g.Team == team);

    [Fact]
    public async Task A_month_not_over_by_the_apps_clock_is_partial()
    {
        // On 20 February 2025 s-jan (first answer 10 January) closed on 7 February, so January is published and over;
        // s-feb (3 February) is open until 3 March, so February is not published and not shown at all. Closed by hand
        // that day, February is published while not over: shown, and partial. Years later neither month is partial.
        var options = Options.Create(new MetricOptions());
        var spaceOptions = Options.Create(new SpaceOptions { MinimumRespondents = 3 });
        var clock = new ManualClock(new DateTimeOffset(2025, 2, 20, 12, 0, 0, TimeSpan.Zero));
        var queries = new SurveyQueries(_store, new SqlFiles(), options, spaceOptions, clock);

        var open = await queries.SatisfactionAsync(new SpaceRequest(January, March));
        Assert.Equal([(Jan, false)], open.OrganisationByMonth.Select(g => (g.Month!.Value, g.Partial)));
        Assert.DoesNotContain(open.TeamsByMonth, g => g.Month == Feb);

        Assert.NotNull(await new SurveyWaves(_store, new SqlFiles(), options, spaceOptions, clock).CloseAsync("s-feb", "test"));
        var during = await queries.SatisfactionAsync(new SpaceRequest(January, March));
        Assert.Equal([(Jan, false), (Feb, true)], during.OrganisationByMonth.Select(g => (g.Month!.Value, g.Partial)));
        Assert.All(during.TeamsByMonth, g => Assert.Equal(g.Month == Feb, g.Partial));
        Assert.False(during.Organisation.Partial);
        Assert.All(_result.OrganisationByMonth.Concat(_result.TeamsByMonth), g => Assert.False(g.Partial));
    }

    private SurveyGroup Cell(string team, DateOnly month) => Assert.Single(_result.TeamsByMonth, g => g.Team == team && g.Month == month);

    [Fact]
    public void Organisation_nps_is_promoters_minus_detractors_over_every_answer()
    {
        // 16 answers from 10 people: promoters (9–10) 4 in Jan + 5 in Feb = 9; detractors (0–6) 3 + 2 = 5 → (9 − 5) / 16 = 25.
        var nps = _result.Organisation.Nps;
        Assert.Equal(10, nps.Respondents);
        Assert.Equal(16, nps.Responses);
        Assert.Equal(25, nps.Score!.Value, 9);
        Assert.Equal(9 / 16.0, nps.PromoterShare!.Value, 9);
        Assert.Equal(5 / 16.0, nps.DetractorShare!.Value, 9);
        Assert.False(nps.Suppressed);
        Assert.Equal(10, _result.Organisation.Respondents);
    }

    [Fact]
    public void Organisation_months_are_each_computed_over_their_own_answers()
    {
        // Jan: 9 answers, promoters 10, 9, 10, 9 = 4, detractors 6, 3, 2 = 3 → 100/9. Feb: 7 answers, promoters 5, detractors 5, 6 → 300/7.
        Assert.Equal([Jan, Feb], _result.OrganisationByMonth.Select(g => g.Month!.Value));
        Assert.Equal(100 / 9.0, _result.OrganisationByMonth[0].Nps.Score!.Value, 9);
        Assert.Equal(300 / 7.0, _result.OrganisationByMonth[1].Nps.Score!.Value, 9);
        Assert.Equal(9, _result.OrganisationByMonth[0].Respondents);
        Assert.Equal(7, _result.OrganisationByMonth[1].Respondents);
    }

    [Fact]
    public void A_team_with_every_month_shown_gets_its_figure_flagged_when_n_is_below_the_minimum_sample()
    {
        // alpha: 7 answers by r1–r4, promoters 10, 9, 10, 10, 10 = 5, detractor 6 → 400/7. n = 4 < MinimumSample 5: flagged.
        var alpha = Team("alpha").Nps;
        Assert.Equal(400 / 7.0, alpha.Score!.Value, 9);
        Assert.Equal(4, alpha.Respondents);
        Assert.True(alpha.LowConfidence);
        Assert.Equal(25, Cell("alpha", Jan).Nps.Score!.Value, 9);   // (2 − 1) / 4
        Assert.Equal(100, Cell("alpha", Feb).Nps.Score!.Value, 9);  // 3 promoters of 3
        Assert.Equal(0, Cell("beta", Feb).Nps.Score!.Value, 9);     // 9, 9 against 5, 6
    }

    [Fact]
    public void A_group_below_K_is_suppressed_and_so_is_the_smallest_group_that_would_reveal_it_by_subtraction()
    {
        // gamma has 2 respondents in January (< K = 3): withheld. Alone it could be worked out as
        // organisation Jan − alpha Jan − beta Jan, so the smallest shown cell of January, beta (3), is withheld too:
        // the withheld cells then hold 5 respondents, and nothing smaller than that can be subtracted out.
        var gamma = Cell("gamma", Jan).Nps;
        Assert.Null(gamma.Score);
        Assert.Null(gamma.PromoterShare);
        Assert.Equal(SuppressionReason.FewerThanMinimum, gamma.SuppressedBecause);
        var beta = Cell("beta", Jan).Nps;
        Assert.Null(beta.Score);
        Assert.Equal(SuppressionReason.ProtectsSmallGroup, beta.SuppressedBecause);
        Assert.NotNull(Cell("alpha", Jan).Nps.Score);
        // beta over the period would give beta Jan back as (beta total − beta Feb): withheld as well.
        Assert.Equal(SuppressionReason.ContainsSuppressedMonth, Team("beta").Nps.SuppressedBecause);
        Assert.Null(Team("beta").Nps.Score);
        Assert.Equal(SuppressionReason.FewerThanMinimum, Team("gamma").Nps.SuppressedBecause);
        // The counts stay: they say how many answered, never what.
        Assert.Equal(2, gamma.Respondents);
        Assert.Equal(4, Team("beta").Nps.Respondents);
    }

    [Fact]
    public void Likert_questions_have_a_mean_and_a_distribution_and_their_own_privacy_grid()
    {
        // flow, January: alpha 4, 5, 3, 4 (r1–r4), beta 2 (r5); r9's 0 is outside 1–5 and is not an answer.
        // Organisation: (4 + 5 + 3 + 4 + 2) / 5 = 3.6, distribution [0, 1, 1, 2, 1].
        // beta's single answer is withheld, and with it alpha's January (the organisation minus alpha would give it away).
        var organisation = _result.Organisation.Question("flow")!;
        Assert.Equal(3.6, organisation.Mean!.Value, 9);
        Assert.Equal([0L, 1, 1, 2, 1], organisation.Distribution!);
        Assert.Equal(5, organisation.Respondents);
        var alpha = Cell("alpha", Jan).Question("flow")!;
        Assert.Equal(SuppressionReason.ProtectsSmallGroup, alpha.SuppressedBecause);
        Assert.Null(alpha.Mean);
        Assert.Null(alpha.Distribution);
        Assert.Equal(SuppressionReason.ProtectsSmallGroup, Team("alpha").Question("flow")!.SuppressedBecause);
        // The NPS of the same cell has its own grid and stays shown.
        Assert.NotNull(Cell("alpha", Jan).Nps.Score);
    }

    [Fact]
    public void Participation_is_distinct_respondents_over_headcount_when_each_survey_opened()
    {
        // s-jan opened 01-10 09:00: alpha 4/5 (the bot member does not count), beta 3/4, gamma 2/3, organisation 9/12.
        // s-feb opened 02-03 09:00: alpha 3/6 (p13 joined 02-01), beta 4/4, gamma 0/3, organisation 7/13.
        Assert.Equal(new ParticipationFigure("alpha", 2, 7, 11), Assert.Single(_result.TeamParticipation, p => p.Team == "alpha"));
        Assert.Equal(new ParticipationFigure("gamma", 2, 2, 6), Assert.Single(_result.TeamParticipation, p => p.Team == "gamma"));
        Assert.Equal(new ParticipationFigure("", 2, 16, 25), _result.Participation);
        Assert.Equal(16 / 25.0, _result.Participation.Rate!.Value, 9);
        var gammaFeb = Assert.Single(_result.Surveys, s => s.SurveyId == "s-feb" && s.Team == "gamma");
        Assert.Equal(0, gammaFeb.Respondents);
        Assert.Equal(3, gammaFeb.Headcount);
        Assert.Equal(new DateTimeOffset(2025, 2, 3, 9, 0, 0, TimeSpan.Zero), gammaFeb.OpenedAt);
    }

    [Fact]
    public async Task Asking_for_one_team_gives_exactly_its_entry_of_the_whole_answer()
    {
        var gamma = await Queries(3).SatisfactionAsync(new SpaceRequest(January, March, "gamma"));

        // Alone, gamma's January would have no siblings to protect; it is still withheld, because the rule is applied
        // to the whole organisation first.
        var team = Assert.Single(gamma.Teams);
        SpaceJson.Equal(Team("gamma"), team);
        Assert.Null(team.Nps.Score);
        SpaceJson.Equal(_result.TeamsByMonth.Where(g => g.Team == "gamma"), gamma.TeamsByMonth);
        Assert.Null(Assert.Single(gamma.TeamsByMonth).Nps.Score);
        SpaceJson.Equal(_result.Organisation, gamma.Organisation);
    }

    [Fact]
    public async Task A_period_is_widened_to_whole_months_so_moving_its_ends_within_a_month_reveals_nothing()
    {
        // One late answer: r11 (gamma) answers 0 on 03-03 10:00, the only answer in March.
        await _store.ExecuteAsync("INSERT INTO survey_responses (survey_id, respondent_hash, team, question, score, answered_at, source) VALUES ('s-mar', 'r11', 'gamma', 'nps', 0, '2025-03-03 10:00:00', 't')");
        var queries = Queries(3);

        // Without whole months, these two periods would differ by r11's answer alone.
        var before = await queries.SatisfactionAsync(new SpaceRequest(January.AddDays(9), new DateTimeOffset(2025, 3, 3, 9, 0, 0, TimeSpan.Zero)));
        var after = await queries.SatisfactionAsync(new SpaceRequest(January.AddDays(9), new DateTimeOffset(2025, 3, 3, 11, 0, 0, TimeSpan.Zero)));

        Assert.Equal(January, before.From);
        Assert.Equal(new DateTimeOffset(2025, 4, 1, 0, 0, 0, TimeSpan.Zero), before.To);
        SpaceJson.Equal(before, after);
        // March has one respondent: withheld, and so is every figure over a period that contains March —
        // otherwise (Jan–Mar) − (Jan–Feb) would be r11's answer.
        Assert.Equal(SuppressionReason.FewerThanMinimum, before.OrganisationByMonth[^1].Nps.SuppressedBecause);
        Assert.Equal(SuppressionReason.ContainsSuppressedMonth, before.Organisation.Nps.SuppressedBecause);
        Assert.Null(before.Organisation.Nps.Score);
        Assert.NotNull(_result.Organisation.Nps.Score);   // January–February alone is shown
    }

    [Fact]
    public async Task A_one_month_filter_shows_that_months_figures_and_nothing_below_K()
    {
        var january = await Queries(3).SatisfactionAsync(new SpaceRequest(January.AddDays(14), January.AddDays(15)));

        Assert.Equal(_result.OrganisationByMonth[0].Nps, january.Organisation.Nps);
        Assert.Null(Assert.Single(january.Teams, g => g.Team == "gamma").Nps.Score);
        Assert.Null(Assert.Single(january.Teams, g => g.Team == "beta").Nps.Score);
        Assert.Equal(25, Assert.Single(january.Teams, g => g.Team == "alpha").Nps.Score!.Value, 9);
    }

    [Fact]
    public async Task With_the_default_K_of_5_no_team_of_this_scenario_shows_a_score()
    {
        var result = await Queries(5).SatisfactionAsync(new SpaceRequest(January, March));

        // Every team-month has at most 4 respondents; the organisation's months (9 and 7) are shown.
        Assert.All(result.Teams.Concat(result.TeamsByMonth), g => Assert.Null(g.Nps.Score));
        Assert.Equal(25, result.Organisation.Nps.Score!.Value, 9);
        Assert.Equal(5, result.MinimumRespondents);
    }

    [Fact]
    public void A_minimum_below_3_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SurveyPrivacy(2));
        var validator = new SpaceOptionsValidator();
        Assert.Contains(validator.Validate(null, new SpaceOptions { MinimumRespondents = 2 }).Failures!, error => error.Contains("Analytics:Space:MinimumRespondents", StringComparison.Ordinal));
        Assert.True(validator.Validate(null, new SpaceOptions()).Succeeded);
    }

    [Fact]
    public async Task A_misconfigured_minimum_fails_the_query_instead_of_revealing_small_groups()
    {
        await Assert.ThrowsAsync<OptionsValidationException>(() => Queries(1).SatisfactionAsync(new SpaceRequest(January, March)));
    }

    [Fact]
    public async Task Months_are_cut_in_the_organisations_time_zone()
    {
        // r10's Feb answers at 02-03..; in Asia/Tokyo (UTC+9) an answer at 01-31 20:00 UTC is already February.
        await _store.ExecuteAsync("INSERT INTO survey_responses (survey_id, respondent_hash, team, question, score, answered_at, source) VALUES ('s-feb', 'r12', 'alpha', 'nps', 10, '2025-01-31 20:00:00', 't')");

        var utc = await Queries(3).SatisfactionAsync(new SpaceRequest(January, March));
        var tokyo = await Queries(3, "Asia/Tokyo").SatisfactionAsync(new SpaceRequest(January, March));

        Assert.Equal(10, utc.OrganisationByMonth[0].Nps.Responses);   // 9 + r12 in January
        Assert.Equal(9, tokyo.OrganisationByMonth.Single(g => g.Month == Jan).Nps.Responses);
        Assert.Equal(8, tokyo.OrganisationByMonth.Single(g => g.Month == Feb).Nps.Responses);
    }

    private const string Scenario = """
        INSERT INTO catalog_team_membership VALUES
            ('p1', 'alpha', '2024-01-01 00:00:00', NULL), ('p2', 'alpha', '2024-01-01 00:00:00', NULL), ('p3', 'alpha', '2024-01-01 00:00:00', NULL),
            ('p4', 'alpha', '2024-01-01 00:00:00', NULL), ('p5', 'alpha', '2024-01-01 00:00:00', NULL), ('bot-1', 'alpha', '2024-01-01 00:00:00', NULL),
            ('p13', 'alpha', '2025-02-01 00:00:00', NULL),
            ('p6', 'beta', '2024-01-01 00:00:00', NULL), ('p7', 'beta', '2024-01-01 00:00:00', NULL), ('p8', 'beta', '2024-01-01 00:00:00', NULL),
            ('p9', 'beta', '2024-01-01 00:00:00', NULL),
            ('p10', 'gamma', '2024-01-01 00:00:00', NULL), ('p11', 'gamma', '2024-01-01 00:00:00', NULL), ('p12', 'gamma', '2024-01-01 00:00:00', NULL);
        INSERT INTO catalog_identities VALUES ('bot-1', 'github_login', 'helper-bot', true), ('p1', 'github_login', 'ann', false);
        INSERT INTO survey_responses (survey_id, respondent_hash, team, question, score, answered_at, source) VALUES
            ('s-jan', 'r1', 'alpha', 'nps', 10, '2025-01-10 09:00:00', 't'), ('s-jan', 'r2', 'alpha', 'nps', 9, '2025-01-10 10:00:00', 't'),
            ('s-jan', 'r3', 'alpha', 'nps', 6, '2025-01-11 10:00:00', 't'), ('s-jan', 'r4', 'alpha', 'nps', 8, '2025-01-12 10:00:00', 't'),
            ('s-jan', 'r5', 'beta', 'nps', 10, '2025-01-13 10:00:00', 't'), ('s-jan', 'r6', 'beta', 'nps', 3, '2025-01-13 11:00:00', 't'),
            ('s-jan', 'r7', 'beta', 'nps', 7, '2025-01-14 10:00:00', 't'),
            ('s-jan', 'r8', 'gamma', 'nps', 9, '2025-01-15 10:00:00', 't'), ('s-jan', 'r9', 'gamma', 'nps', 2, '2025-01-16 10:00:00', 't'),
            ('s-jan', 'r1', 'alpha', 'flow', 4, '2025-01-10 09:00:00', 't'), ('s-jan', 'r2', 'alpha', 'flow', 5, '2025-01-10 10:00:00', 't'),
            ('s-jan', 'r3', 'alpha', 'flow', 3, '2025-01-11 10:00:00', 't'), ('s-jan', 'r4', 'alpha', 'flow', 4, '2025-01-12 10:00:00', 't'),
            ('s-jan', 'r5', 'beta', 'flow', 2, '2025-01-13 10:00:00', 't'), ('s-jan', 'r9', 'gamma', 'flow', 0, '2025-01-16 10:00:00', 't'),
            ('s-feb', 'r1', 'alpha', 'nps', 10, '2025-02-03 09:00:00', 't'), ('s-feb', 'r2', 'alpha', 'nps', 10, '2025-02-03 10:00:00', 't'),
            ('s-feb', 'r3', 'alpha', 'nps', 10, '2025-02-04 10:00:00', 't'),
            ('s-feb', 'r5', 'beta', 'nps', 5, '2025-02-04 11:00:00', 't'), ('s-feb', 'r6', 'beta', 'nps', 6, '2025-02-05 10:00:00', 't'),
            ('s-feb', 'r7', 'beta', 'nps', 9, '2025-02-06 10:00:00', 't'), ('s-feb', 'r10', 'beta', 'nps', 9, '2025-02-07 10:00:00', 't')
        """;
}
