using Analytics.Core.Calendar;
using Analytics.Core.Space;
using Analytics.Ingestors.Demo;

namespace Analytics.Storage.Tests.Space;

/// <summary>
/// An attacker with the query layer asks for every contiguous range of months, unfiltered and filtered to each team,
/// and combines every score it is shown: each shown figure, each difference of two nested shown figures, and each
/// organisation figure minus every team figure shown beside it. Against the raw answers, none of those may describe
/// 1 to K − 1 respondents, and the same group must always get the same figure.
/// </summary>
public sealed class SurveyPrivacyAttackTests
{
    private static readonly DateTimeOffset End = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DemoScale Scale = new(Teams: 4, Services: 8, Engineers: 36, Months: 9);

    public static TheoryData<int, int> SeedsAndMinimums => new() { { 11, 6 }, { 12, 5 }, { 14, 4 } };

    /// <summary>A shown score: which question, over which non-empty (team, month) cells, and its value.</summary>
    private sealed record Shown(string Question, IReadOnlySet<SurveyCell> Cells, string Value, string Source);

    [Theory]
    [MemberData(nameof(SeedsAndMinimums))]
    public async Task No_combination_of_shown_scores_describes_fewer_than_K_respondents(int seed, int k)
    {
        await using var organisation = await GeneratedOrganisation.LoadAsync("privacy", Scale, seed, End);
        var store = organisation.Store;
        var grid = new MonthGrid("UTC");
        var answers = (await SpaceOracleAgreementTests.ReadSpaceHistoryAsync(store)).SurveyResponses
            .Where(a => SurveyQuestions.IsValidScore(a.Question, a.Score))
            .Select(a => (a.Question, Cell: new SurveyCell(a.Team, grid.MonthOf(a.AnsweredAt)), a.RespondentHash))
            .ToList();
        int Respondents(string question, IEnumerable<SurveyCell> cells)
        {
            var set = cells.ToHashSet();
            return answers.Where(a => a.Question == question && set.Contains(a.Cell)).Select(a => a.RespondentHash).Distinct().Count();
        }
        var teams = answers.Select(a => a.Cell.Team).Distinct().Order(StringComparer.Ordinal).ToList();
        var questions = answers.Select(a => a.Question).Distinct().ToList();
        var months = grid.Months(End.AddMonths(-Scale.Months - 1), End);
        var queries = new SurveyQueries(store, new SqlFiles(), Options.Create(new MetricOptions()), Options.Create(new SpaceOptions { MinimumRespondents = k }));

        var shown = new List<Shown>();
        var residues = new List<(string Question, IReadOnlySet<SurveyCell> Cells, string Source)>();
        var suppressedSomewhere = 0;
        for (var first = 0; first < months.Count; first++)
        {
            for (var last = first; last < months.Count; last++)
            {
                var range = months.Skip(first).Take(last - first + 1).ToHashSet();
                var from = grid.Start(months[first]);
                var to = grid.Start(months[last].AddMonths(1));
                var result = await queries.SatisfactionAsync(new SpaceRequest(from.AddDays(3), to.AddDays(-2)));   // ends inside months on purpose
                var source = $"{months[first]:yyyy-MM}..{months[last]:yyyy-MM}";
                IReadOnlySet<SurveyCell> CellsOf(string question, string? team, DateOnly? month) => answers
                    .Where(a => a.Question == question && range.Contains(a.Cell.Month) && (team is null || a.Cell.Team == team) && (month is null || a.Cell.Month == month))
                    .Select(a => a.Cell).ToHashSet();
                void Collect(SurveyGroup group)
                {
                    var team = group.Team == "" ? null : group.Team;
                    foreach (var (question, value, suppressed) in Scores(group))
                    {
                        suppressedSomewhere += suppressed ? 1 : 0;
                        if (value is not null)
                        {
                            shown.Add(new Shown(question, CellsOf(question, team, group.Month), value, $"{source} {group.Team}/{group.Month}"));
                        }
                    }
                }
                foreach (var group in result.Teams.Concat(result.TeamsByMonth).Concat(result.OrganisationByMonth).Append(result.Organisation))
                {
                    Collect(group);
                }
                // The organisation minus every team shown beside it, per question.
                foreach (var question in questions)
                {
                    if (ScoreOf(result.Organisation, question) is null)
                    {
                        continue;
                    }
                    var covered = result.Teams.Where(t => ScoreOf(t, question) is not null).Select(t => t.Team).ToHashSet();
                    residues.Add((question, CellsOf(question, null, null).Where(c => !covered.Contains(c.Team)).ToHashSet(), $"{source} organisation − shown teams"));
                    foreach (var month in result.OrganisationByMonth.Where(g => ScoreOf(g, question) is not null))
                    {
                        var shownCells = result.TeamsByMonth.Where(t => t.Month == month.Month && ScoreOf(t, question) is not null).Select(t => t.Team).ToHashSet();
                        residues.Add((question, CellsOf(question, null, month.Month).Where(c => !shownCells.Contains(c.Team)).ToHashSet(), $"{source} {month.Month} − shown teams"));
                    }
                }
                // A team filter gives exactly the team's entry of the whole answer.
                if (last - first < 2)
                {
                    foreach (var team in teams)
                    {
                        var one = await queries.SatisfactionAsync(new SpaceRequest(from, to, team));
                        SpaceJson.Equal(result.Teams.Where(t => t.Team == team), one.Teams);
                        SpaceJson.Equal(result.TeamsByMonth.Where(t => t.Team == team), one.TeamsByMonth);
                    }
                }
            }
        }
        Assert.True(suppressedSomewhere > 0 && shown.Count(s => s.Cells.Select(c => c.Team).Distinct().Count() == 1) > 0,
            $"seed {seed}, K {k}: the attack needs both withheld and shown team scores ({suppressedSomewhere} withheld)");

        // 1. One group, one figure, whichever request showed it.
        foreach (var group in shown.GroupBy(s => (s.Question, Key(s.Cells))))
        {
            Assert.True(group.Select(s => s.Value).Distinct().Count() == 1, $"{group.Key}: shown with different values by {string.Join(", ", group.Select(s => s.Source))}");
        }
        var distinct = shown.GroupBy(s => (s.Question, Key(s.Cells))).Select(g => g.First()).ToList();
        // 2. Every shown figure covers at least K respondents.
        foreach (var figure in distinct)
        {
            Assert.True(Respondents(figure.Question, figure.Cells) >= k, $"{figure.Source} {figure.Question}: shown for fewer than {k}");
        }
        // 3. Nested shown figures never differ by 1 to K − 1 respondents.
        foreach (var question in questions)
        {
            var mine = distinct.Where(f => f.Question == question).ToList();
            foreach (var outer in mine)
            {
                foreach (var inner in mine.Where(i => i.Cells.Count < outer.Cells.Count && i.Cells.IsSubsetOf(outer.Cells)))
                {
                    var rest = Respondents(question, outer.Cells.Except(inner.Cells));
                    Assert.True(rest == 0 || rest >= k, $"{question}: {outer.Source} minus {inner.Source} describes {rest} respondents");
                }
            }
        }
        // 4. The organisation minus every team shown beside it never describes 1 to K − 1 respondents.
        foreach (var (question, cells, source) in residues)
        {
            var rest = Respondents(question, cells);
            Assert.True(rest == 0 || rest >= k, $"{question}: {source} describes {rest} respondents");
        }
    }

    private static string Key(IReadOnlySet<SurveyCell> cells) =>
        string.Join(";", cells.Select(c => $"{c.Team}|{c.Month:yyyy-MM}").Order(StringComparer.Ordinal));

    private static string? ScoreOf(SurveyGroup group, string question) => Scores(group).FirstOrDefault(s => s.Question == question).Value;

    /// <summary>Every score of the group as text (null when not shown), with whether it was withheld.</summary>
    private static IEnumerable<(string Question, string? Value, bool Suppressed)> Scores(SurveyGroup group) =>
        group.Likert.Select(l => (l.Question, l.Mean is null ? null : $"{l.Mean:R} {(l.Distribution is null ? "distribution withheld" : string.Join(",", l.Distribution))}", l.Suppressed))
            .Prepend((SurveyQuestions.Nps, group.Nps.Score is null ? null : $"{group.Nps.Score:R} {group.Nps.Responses}", group.Nps.Suppressed));
}
