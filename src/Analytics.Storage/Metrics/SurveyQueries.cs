using Analytics.Core.Calendar;
using Analytics.Core.Dora;
using Analytics.Core.Space;
using Analytics.Storage.ClickHouse;
using Microsoft.Extensions.Options;

namespace Analytics.Storage.Metrics;

/// <summary>Which slice of SPACE or adoption figures to compute: [From, To), one team or all (Team null).</summary>
public sealed record SpaceRequest(DateTimeOffset From, DateTimeOffset To, string? Team = null)
{
    internal void Validate()
    {
        if (To <= From)
        {
            throw new ArgumentException($"The period must end after it starts (from {From:O}, to {To:O}).", nameof(To));
        }
    }

    /// <summary>The organisation's figure and each team's (only the requested one, with empty figures if it has none).</summary>
    internal TeamBreakdown<T> Breakdown<T>(Func<string, T> figure, IEnumerable<string> teams)
    {
        var all = teams.Where(team => team != DoraQueries.OrganisationKey).Distinct().Order(StringComparer.Ordinal).ToList();
        var selected = Team is null ? all : all.Where(team => team == Team).DefaultIfEmpty(Team);
        return new TeamBreakdown<T>(From, To, figure(DoraQueries.OrganisationKey), selected.Select(figure).ToList());
    }

    internal IReadOnlyList<T> OnlyTeam<T>(IReadOnlyList<T> rows, Func<T, string> team) =>
        Team is null ? rows : rows.Where(row => team(row) == Team).ToList();
}

/// <summary>
/// Satisfaction from the developer survey (sql/clickhouse/queries/space/survey_*.sql): Developer NPS and the Likert
/// questions per team, organisation and month, and participation. The raw counts never leave this class: the privacy
/// rule (<see cref="SurveyPrivacy"/>) is applied to the whole organisation's figures first, and a team filter only
/// selects from the result, so asking for one team gives exactly what the full answer shows for it.
/// </summary>
/// <param name="clock">Says which months are over (<see cref="PartialBuckets"/>); the system clock when not given.</param>
public sealed class SurveyQueries(IClickHouseStore store, SqlFiles sqlFiles, IOptions<MetricOptions> options, IOptions<SpaceOptions> spaceOptions, TimeProvider? clock = null)
{
    private readonly SurveyWaves _waves = new(store, sqlFiles, options, spaceOptions, clock ?? TimeProvider.System);

    private const string AnyQuestion = "";

    public async Task<SatisfactionResult> SatisfactionAsync(SpaceRequest request, CancellationToken cancellationToken = default)
    {
        request.Validate();
        var privacy = new SurveyPrivacy(ValidSpaceOptions(spaceOptions).MinimumRespondents);
        var grid = new MonthGrid(options.Value.TimeZone);
        var (from, to) = grid.Snap(request.From, request.To);
        // Only published months (every wave dated in them closed) are shown: their answers can no longer change.
        var waves = await _waves.StateAsync(cancellationToken);
        var published = waves.PublishedMonths.Order().ToArray();
        // Months of the period with answers not read yet, their wave still open: the page says they are not counted.
        var unpublished = waves.Waves.SelectMany(wave => wave.Months)
            .Where(month => !waves.PublishedMonths.Contains(month) && grid.Start(month) >= from && grid.Start(month) < to)
            .Distinct().Order().ToList();
        var parameters = QueryParameters.From(("from", from), ("to", to), ("tz", options.Value.TimeZone), ("published", published));

        var scores = await store.QueryAsync<ScoreRow>(sqlFiles.Query("space/survey_scores"), parameters, cancellationToken);
        var cells = await store.QueryAsync<CellRow>(sqlFiles.Query("space/survey_respondents"), parameters, cancellationToken);
        var surveys = (await store.QueryAsync<ParticipationRow>(sqlFiles.Query("space/survey_participation"), parameters, cancellationToken))
            .Select(row => new SurveyParticipation(row.SurveyId, row.OpenedAt, row.Team, row.Respondents, row.Headcount))
            .ToList();

        var decisions = cells.GroupBy(cell => cell.Question).ToDictionary(
            question => question.Key,
            question => privacy.Decide(question.ToDictionary(
                cell => new SurveyCell(cell.Owner, cell.AnswerMonth),
                cell => (IReadOnlySet<ulong>)cell.Respondents.ToHashSet())));
        var rows = scores.ToDictionary(row => (row.Question, row.Team, Month: row.IsMonth ? row.Month : (DateOnly?)null));
        var likertQuestions = scores.Select(row => row.Question).Where(q => q is not AnyQuestion and not SurveyQuestions.Nps)
            .Distinct().Order(StringComparer.Ordinal).ToList();
        var minimumSample = options.Value.MinimumSample;
        var now = (clock ?? TimeProvider.System).GetUtcNow();

        // Months whose distributions of a question would let an answer be attributed (docs/metrics.md, "Survey privacy").
        var monthRows = scores.Where(row => row.IsMonth).ToList();
        var withheldDistributions = likertQuestions.ToDictionary(question => question, question => monthRows
            .Where(row => row.Question == question && row.Team == DoraQueries.OrganisationKey)
            .Where(organisation => privacy.DistributionWithheld(organisation.LikertCounts, monthRows
                .Where(cell => cell.Question == question && cell.Team != DoraQueries.OrganisationKey && cell.Month == organisation.Month
                    && decisions.TryGetValue(question, out var decision) && decision.Cell(cell.Team, cell.Month) == SuppressionReason.None)
                .Select(cell => (IReadOnlyList<long>)cell.LikertCounts)))
            .Select(organisation => organisation.Month).ToHashSet());

        SurveyGroup Group(string team, DateOnly? month)
        {
            SuppressionReason Reason(string question) => decisions.TryGetValue(question, out var decision) ? decision.For(team, month) : SuppressionReason.None;
            ScoreRow? Row(string question) => rows.GetValueOrDefault((question, team, month));
            // A period figure's distribution is withheld when one of the group's months is.
            bool DistributionWithheld(string question) => month is { } one
                ? withheldDistributions[question].Contains(one)
                : monthRows.Any(row => row.Question == question && row.Team == team && withheldDistributions[question].Contains(row.Month));
            return new SurveyGroup(team, month, Row(AnyQuestion)?.Respondents ?? 0,
                Nps(Row(SurveyQuestions.Nps), Reason(SurveyQuestions.Nps), minimumSample),
                likertQuestions.Select(question => Likert(question, Row(question), Reason(question), minimumSample, DistributionWithheld(question))).ToList())
            {
                Partial = month is { } m && PartialBuckets.IsPartial(m, Granularity.Month, from, to, now, grid),
            };
        }

        var groups = scores.Where(row => row.Question == AnyQuestion).ToList();
        ParticipationFigure Pooled(string team)
        {
            var mine = surveys.Where(s => s.Team == team).ToList();
            return new ParticipationFigure(team, mine.Count, mine.Sum(s => s.Respondents), mine.Sum(s => s.Headcount));
        }
        var result = new SatisfactionResult(from, to, privacy.MinimumRespondents,
            Group(DoraQueries.OrganisationKey, null),
            groups.Where(g => g.Team != "" && !g.IsMonth).Select(g => Group(g.Team, null)).ToList(),
            groups.Where(g => g.Team == "" && g.IsMonth).OrderBy(g => g.Month).Select(g => Group("", g.Month)).ToList(),
            groups.Where(g => g.Team != "" && g.IsMonth).OrderBy(g => g.Team, StringComparer.Ordinal).ThenBy(g => g.Month).Select(g => Group(g.Team, g.Month)).ToList(),
            Pooled(DoraQueries.OrganisationKey),
            surveys.Where(s => s.Team != "").Select(s => s.Team).Distinct().Order(StringComparer.Ordinal).Select(Pooled).ToList(),
            surveys)
        {
            Months = grid.Months(from, to),
            UnpublishedMonths = unpublished,
        };
        return request.Team is null ? result : result with
        {
            Teams = request.OnlyTeam(result.Teams, g => g.Team),
            TeamsByMonth = request.OnlyTeam(result.TeamsByMonth, g => g.Team),
            TeamParticipation = request.OnlyTeam(result.TeamParticipation, p => p.Team),
            Surveys = result.Surveys.Where(s => s.Team == "" || s.Team == request.Team).ToList(),
        };
    }

    internal static SpaceOptions ValidSpaceOptions(IOptions<SpaceOptions> spaceOptions)
    {
        var value = spaceOptions.Value;
        var result = new SpaceOptionsValidator().Validate(null, value);
        return result.Succeeded ? value : throw new OptionsValidationException(SpaceOptions.Section, typeof(SpaceOptions), result.Failures);
    }

    private static NpsFigure Nps(ScoreRow? row, SuppressionReason reason, int minimumSample)
    {
        if (row is null || row.Responses == 0)
        {
            return new NpsFigure(0, 0, null, null, null, SuppressionReason.None);
        }
        if (reason != SuppressionReason.None)
        {
            return new NpsFigure(row.Respondents, row.Responses, null, null, null, reason);
        }
        var promoters = row.Promoters / (double)row.Responses;
        var detractors = row.Detractors / (double)row.Responses;
        return new NpsFigure(row.Respondents, row.Responses, 100 * (promoters - detractors), promoters, detractors, reason)
        {
            LowConfidence = row.Respondents < minimumSample,
        };
    }

    private static LikertFigure Likert(string question, ScoreRow? row, SuppressionReason reason, int minimumSample, bool distributionWithheld)
    {
        if (row is null || row.Responses == 0)
        {
            return new LikertFigure(question, 0, 0, null, null, SuppressionReason.None);
        }
        if (reason != SuppressionReason.None)
        {
            return new LikertFigure(question, row.Respondents, row.Responses, null, null, reason);
        }
        return new LikertFigure(question, row.Respondents, row.Responses, row.ScoreSum / (double)row.Responses, distributionWithheld ? null : row.LikertCounts, reason)
        {
            LowConfidence = row.Respondents < minimumSample,
            DistributionWithheld = distributionWithheld,
        };
    }

    private sealed record ScoreRow(
        string Question, string Team, bool IsMonth, DateOnly Month, long Respondents, long Responses, long Promoters, long Detractors, long ScoreSum, long[] LikertCounts);

    private sealed record CellRow(string Question, string Owner, DateOnly AnswerMonth, ulong[] Respondents);

    private sealed record ParticipationRow(string SurveyId, DateTimeOffset OpenedAt, string Team, long Respondents, long Headcount);
}
