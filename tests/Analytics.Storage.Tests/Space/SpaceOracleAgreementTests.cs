using System.Text.Json.Nodes;
using Analytics.Core.Space;
using Analytics.Ingestors.Demo;

namespace Analytics.Storage.Tests.Space;

/// <summary>
/// Property: for generated organisations (several seeds and time zones), every survey, activity, collaboration, flow,
/// adoption and self-service figure the ClickHouse SQL gives equals the plain C# oracle over the same stored rows —
/// counts exactly, means and rates to 1e-9, durations to the millisecond — suppression decisions included.
/// </summary>
public sealed class SpaceOracleAgreementTests
{
    private static readonly DateTimeOffset End = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Big enough for teams of about ten (so some survey groups are shown and some withheld), small enough to load in seconds.</summary>
    private static readonly DemoScale Scale = new(Teams: 4, Services: 10, Engineers: 40, Months: 9);

    public static TheoryData<int, string> SeedsAndTimeZones => new()
    {
        { 1, "UTC" }, { 2, "America/New_York" }, { 3, "Asia/Kolkata" }, { 4, "Europe/Berlin" },
    };

    [Theory]
    [MemberData(nameof(SeedsAndTimeZones))]
    public async Task Sql_equals_the_oracle_for_every_team_and_period(int seed, string timeZone)
    {
        await using var organisation = await GeneratedOrganisation.LoadAsync("space_oracle", Scale, seed, End);
        var store = organisation.Store;
        var options = new MetricOptions { TimeZone = timeZone };
        var sql = new SqlFiles();
        var dora = await organisation.ReadDoraHistoryAsync();
        var history = await ReadSpaceHistoryAsync(store);
        var oracle = new SpaceOracle(dora, history, options);

        DateTimeOffset[][] periods =
        [
            [End.AddDays(-30), End],
            [End.AddDays(-90), End],
            [End.AddMonths(-4).AddHours(-5), End.AddMonths(-1).AddHours(7)],
            [End.AddYears(-1), End],
        ];
        var shownTeamScores = 0;
        var withheldTeamScores = 0;
        foreach (var minimumRespondents in new[] { 3, 5 })
        {
            var surveys = new SurveyQueries(store, sql, Options.Create(options), Options.Create(new SpaceOptions { MinimumRespondents = minimumRespondents }));
            var space = new SpaceQueries(store, sql, Options.Create(options), new PullRequestQueries(store, sql, Options.Create(options)), surveys);
            foreach (var period in periods)
            {
                var context = $"seed {seed}, {timeZone}, K {minimumRespondents}, {period[0]:O}..{period[1]:O}";
                var request = new SpaceRequest(period[0], period[1]);
                var satisfaction = await surveys.SatisfactionAsync(request);
                var expected = oracle.Satisfaction(period[0], period[1], minimumRespondents);
                AssertSame(expected, satisfaction, $"{context}: satisfaction");
                AssertSame(oracle.Flow(period[0], period[1], expected), await space.FlowAsync(request), $"{context}: flow");
                shownTeamScores += satisfaction.TeamsByMonth.Count(g => g.Nps.Score is not null);
                withheldTeamScores += satisfaction.TeamsByMonth.Count(g => g.Nps.Suppressed);
                Assert.True(satisfaction.Organisation.Respondents > 0 || period[1] - period[0] < TimeSpan.FromDays(40), $"{context}: no survey answers, so the period proves little");
            }
        }

        // A clock a day after the last wave opened: that wave is open, so its months are not published yet and are left
        // out by both; the month holding the clock is not over, so it would be partial if shown.
        var now = history.SurveyResponses.GroupBy(a => a.SurveyId).Max(wave => wave.Min(a => a.AnsweredAt)).AddDays(1);
        var clock = new ManualClock(now);
        var inside = new SpaceOracle(dora, history, options, now: now);
        var year = new SpaceRequest(periods[^1][0], periods[^1][1]);
        var whileOpen = await new SurveyQueries(store, sql, Options.Create(options), Options.Create(new SpaceOptions { MinimumRespondents = 3 }), clock).SatisfactionAsync(year);
        AssertSame(inside.Satisfaction(year.From, year.To, 3), whileOpen, $"seed {seed}, {timeZone}, now {now:O}: satisfaction");
        Assert.True(whileOpen.OrganisationByMonth.Count < oracle.Satisfaction(year.From, year.To, 3).OrganisationByMonth.Count,
            $"seed {seed}: the open wave's months should not be shown on {now:O}");

        Assert.True(shownTeamScores > 0 && withheldTeamScores > 0, $"seed {seed}: {shownTeamScores} team-month scores shown and {withheldTeamScores} withheld; both should occur");

        var spaceQueries = new SpaceQueries(store, sql, Options.Create(options), new PullRequestQueries(store, sql, Options.Create(options)),
            new SurveyQueries(store, sql, Options.Create(options), Options.Create(new SpaceOptions())));
        var adoption = new AdoptionQueries(store, sql, Options.Create(options));
        foreach (var period in periods)
        {
            var (from, to) = (period[0], period[1]);
            var context = $"seed {seed}, {timeZone}, {from:O}..{to:O}";
            var request = new SpaceRequest(from, to);

            var activity = await spaceQueries.ActivityAsync(request);
            Assert.True(activity.Organisation.Deployments > 0 && activity.Organisation.Reviews > 0, $"{context}: no activity, so the period proves little");
            AssertSame(oracle.Activity(from, to), activity, $"{context}: activity");
            var collaboration = await spaceQueries.CollaborationAsync(request);
            Assert.True(collaboration.Organisation.ReviewsGiven > 0, $"{context}: no reviews");
            AssertSame(oracle.Collaboration(from, to), collaboration, $"{context}: collaboration");

            var goldenPath = await adoption.GoldenPathAsync(request);
            Assert.True(goldenPath.Organisation.ActiveServices > 0, $"{context}: no active services");
            AssertSame(oracle.GoldenPath(from, to), goldenPath, $"{context}: golden path");
            var currency = await adoption.TemplateCurrencyAsync(request);
            Assert.True(currency.Figure("", "")!.Services > 0, $"{context}: no service on a template");
            AssertSame(oracle.TemplateCurrency(to), currency, $"{context}: template currency");
            var selfService = await adoption.SelfServiceAsync(request);
            Assert.True(selfService.Organisation.SelfService.Fulfilled > 0 && selfService.Organisation.Ticket.Fulfilled > 0, $"{context}: no fulfilled requests of both channels");
            AssertSame(oracle.SelfService(from, to), selfService, $"{context}: self-service");
            AssertSame(oracle.SelfService(from, to, ["environment", "database"]), await adoption.SelfServiceAsync(request, ["environment", "database"]), $"{context}: self-service, two kinds");
            AssertSame(oracle.FirstDeploy(from, to), await adoption.FirstDeployAsync(request), $"{context}: time to first deploy");
        }
        var longest = await adoption.FirstDeployAsync(new SpaceRequest(periods[^1][0], periods[^1][1]));
        Assert.True(longest.Organisation.Deployed > 0, $"seed {seed}: nobody who joined reached production, so time to first deploy proves little");
    }

    /// <summary>The two answers serialised to JSON are the same tree: numbers to 1e-9, durations to the millisecond.</summary>
    private static void AssertSame(object expected, object actual, string context)
    {
        var want = JsonNode.Parse(SpaceJson.Of(expected))!;
        var got = JsonNode.Parse(SpaceJson.Of(actual))!;
        var difference = Difference(want, got, "$");
        Assert.True(difference is null, $"{context}: {difference}");
    }

    private static string? Difference(JsonNode? want, JsonNode? got, string path)
    {
        switch (want, got)
        {
            case (null, null):
                return null;
            case (JsonObject a, JsonObject b):
                foreach (var key in a.Select(p => p.Key).Union(b.Select(p => p.Key)))
                {
                    if (Difference(a[key], b[key], $"{path}.{key}") is { } inner)
                    {
                        return inner;
                    }
                }
                return null;
            case (JsonArray a, JsonArray b):
                if (a.Count != b.Count)
                {
                    return $"{path}: oracle has {a.Count} items, SQL {b.Count} ({Summary(a)} vs {Summary(b)})";
                }
                for (var i = 0; i < a.Count; i++)
                {
                    if (Difference(a[i], b[i], $"{path}[{i}]") is { } inner)
                    {
                        return inner;
                    }
                }
                return null;
            case (JsonValue a, JsonValue b) when a.TryGetValue<double>(out var x) && b.TryGetValue<double>(out var y):
                return Math.Abs(x - y) <= 1e-9 * Math.Max(1, Math.Abs(x)) ? null : $"{path}: oracle {x}, SQL {y}";
            case (JsonValue a, JsonValue b) when a.TryGetValue<string>(out var s) && b.TryGetValue<string>(out var t):
                if (s == t)
                {
                    return null;
                }
                return TimeSpan.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out var d) && TimeSpan.TryParse(t, System.Globalization.CultureInfo.InvariantCulture, out var e)
                    && Math.Abs((d - e).TotalMilliseconds) < 1 ? null : $"{path}: oracle '{s}', SQL '{t}'";
            default:
                return want?.ToJsonString() == got?.ToJsonString() ? null : $"{path}: oracle {want?.ToJsonString() ?? "null"}, SQL {got?.ToJsonString() ?? "null"}";
        }
    }

    private static string Summary(JsonArray array) =>
        string.Join(", ", array.Take(12).Select(item => item is JsonObject o ? $"{o["team"]}/{o["month"]}/{o["service"]}" : item?.ToJsonString()));

    /// <summary>The stored rows, deduplicated, as the oracle's records.</summary>
    internal static async Task<SpaceHistory> ReadSpaceHistoryAsync(IClickHouseStore store) => new(
        await store.QueryAsync<SurveyResponse>("SELECT survey_id, respondent_hash, team, question, toInt32(score) AS score, answered_at FROM survey_responses FINAL"),
        await store.QueryAsync<ServiceRequestRecord>("SELECT request_id, team, kind, channel, requested_at, fulfilled_at FROM service_requests FINAL"),
        await store.QueryAsync<MembershipRange>("SELECT person_id, team, valid_from, valid_to FROM catalog_team_membership"),
        await store.QueryAsync<IdentityRecord>("SELECT person_id, kind, value, is_bot FROM catalog_identities"),
        await store.QueryAsync<ServiceTemplateRange>("SELECT service, template, template_version, valid_from, valid_to FROM catalog_service_templates"),
        await store.QueryAsync<TemplateRecord>("SELECT template, latest_version, is_golden_path FROM catalog_templates"),
        await store.QueryAsync<ServiceRepository>("SELECT service, repository FROM catalog_services"),
        await store.QueryAsync<PullRequestEvent>("SELECT repository, number, author_login, author_is_bot, opened_at, merged_at, closed_at FROM pull_requests FINAL"),
        await store.QueryAsync<ReviewEvent>("SELECT repository, number, review_id, reviewer_login, reviewer_is_bot, submitted_at FROM pull_request_reviews FINAL"),
        await store.QueryAsync<CommitAuthor>("SELECT repository, sha, author_email FROM commits FINAL"));
}
