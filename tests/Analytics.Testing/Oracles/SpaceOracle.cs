using Analytics.Core.Calendar;
using Analytics.Core.Dora;
using Analytics.Core.Space;

namespace Analytics.Testing.Oracles;

/// <summary>
/// The survey, activity, collaboration, flow, adoption and self-service definitions of docs/metrics.md in plain C#,
/// straight from the text: no SQL, no I/O. The independent oracle the ClickHouse queries are tested against. Only the
/// privacy rule (<see cref="SurveyPrivacy"/>) is shared with the query layer: it is a policy, not a computation.
/// </summary>
public sealed class SpaceOracle
{
    private readonly DoraHistory _dora;
    private readonly SpaceHistory _space;
    private readonly MetricOptions _options;
    private readonly DoraOracle _doraOracle;
    private readonly MonthGrid _months;
    private readonly HashSet<string> _botPeople;
    private readonly HashSet<string> _botLogins;

    private readonly int _surveyWaveDays;
    private readonly DateTimeOffset _now;

    /// <param name="surveyWaveDays">Days after its first answer a survey wave closes (no wave is closed by hand here).</param>
    /// <param name="now">The clock that decides which waves are closed and which months are over; the system's when not given.</param>
    public SpaceOracle(DoraHistory dora, SpaceHistory space, MetricOptions options, int surveyWaveDays = 28, DateTimeOffset? now = null)
    {
        _surveyWaveDays = surveyWaveDays;
        _now = now ?? DateTimeOffset.UtcNow;
        _dora = dora;
        _space = space;
        _options = options;
        _doraOracle = new DoraOracle(dora, options);
        _months = new MonthGrid(options.TimeZone);
        _botPeople = space.Identities.Where(i => i.IsBot).Select(i => i.PersonId).ToHashSet(StringComparer.Ordinal);
        _botLogins = options.BotLogins.ToHashSet(StringComparer.Ordinal);
    }

    // ---------------------------------------------------------------- satisfaction

    public SatisfactionResult Satisfaction(DateTimeOffset from, DateTimeOffset to, int minimumRespondents)
    {
        var privacy = new SurveyPrivacy(minimumRespondents);
        (from, to) = _months.Snap(from, to);
        var start = from;
        var end = to;
        var published = PublishedMonths();
        var answers = _space.SurveyResponses
            .Where(a => a.AnsweredAt >= start && a.AnsweredAt < end && SurveyQuestions.IsValidScore(a.Question, a.Score))
            .Where(a => published.Contains(_months.MonthOf(a.AnsweredAt)))
            .Select(a => (Answer: a, Team: a.Team == "" ? TeamAttribution.Unassigned : a.Team, Month: _months.MonthOf(a.AnsweredAt)))
            .ToList();
        var likertQuestions = answers.Select(a => a.Answer.Question).Where(q => q != SurveyQuestions.Nps).Distinct().Order(StringComparer.Ordinal).ToList();
        var decisions = answers.GroupBy(a => a.Answer.Question).ToDictionary(
            question => question.Key,
            question => privacy.Decide(question
                .GroupBy(a => new SurveyCell(a.Team, a.Month))
                .ToDictionary(cell => cell.Key, cell => (IReadOnlySet<string>)cell.Select(a => a.Answer.RespondentHash).ToHashSet(StringComparer.Ordinal))));

        // Distributions: answers per score 1..5. A month's distributions of a question are withheld when an atom of it
        // (a shown cell, or the organisation's month minus the shown cells) has fewer than K answers off its most common score.
        List<long> Counts(IEnumerable<SurveyResponse> scores) => Enumerable.Range(1, 5).Select(score => scores.LongCount(a => a.Score == score)).ToList();
        var withheldDistributions = likertQuestions.ToDictionary(question => question, question => answers
            .Where(a => a.Answer.Question == question)
            .GroupBy(a => a.Month)
            .Where(month => privacy.DistributionWithheld(Counts(month.Select(a => a.Answer)), month
                .GroupBy(a => a.Team)
                .Where(cell => decisions[question].Cell(cell.Key, month.Key) == SuppressionReason.None)
                .Select(cell => (IReadOnlyList<long>)Counts(cell.Select(a => a.Answer)))))
            .Select(month => month.Key).ToHashSet());

        SurveyGroup Group(string team, DateOnly? month)
        {
            var inGroupMonths = answers.Where(a => (team == "" || a.Team == team) && (month is null || a.Month == month)).ToList();
            var inGroup = inGroupMonths.Select(a => a.Answer).ToList();
            SuppressionReason Reason(string question) =>
                decisions.TryGetValue(question, out var decision) ? decision.For(team, month) : SuppressionReason.None;
            var nps = inGroup.Where(a => a.Question == SurveyQuestions.Nps).ToList();
            var likert = likertQuestions.Select(question =>
            {
                var scores = inGroup.Where(a => a.Question == question).ToList();
                var respondents = scores.Select(a => a.RespondentHash).Distinct().LongCount();
                var reason = scores.Count == 0 ? SuppressionReason.None : Reason(question);
                var shown = scores.Count > 0 && reason == SuppressionReason.None;
                // A period's distribution is withheld when any month it has answers in is.
                var distributionWithheld = shown && inGroupMonths.Any(a => a.Answer.Question == question && withheldDistributions[question].Contains(a.Month));
                return new LikertFigure(question, respondents, scores.Count,
                    shown ? scores.Average(a => (double)a.Score) : null,
                    shown && !distributionWithheld ? Counts(scores) : null,
                    reason)
                {
                    LowConfidence = shown && respondents < _options.MinimumSample,
                    DistributionWithheld = distributionWithheld,
                };
            }).ToList();
            var npsRespondents = nps.Select(a => a.RespondentHash).Distinct().LongCount();
            var npsReason = nps.Count == 0 ? SuppressionReason.None : Reason(SurveyQuestions.Nps);
            var npsShown = nps.Count > 0 && npsReason == SuppressionReason.None;
            double Share(Func<SurveyResponse, bool> which) => nps.Count(which) / (double)nps.Count;
            var npsFigure = new NpsFigure(npsRespondents, nps.Count,
                npsShown ? 100 * (Share(a => a.Score >= 9) - Share(a => a.Score <= 6)) : null,
                npsShown ? Share(a => a.Score >= 9) : null,
                npsShown ? Share(a => a.Score <= 6) : null,
                npsReason)
            {
                LowConfidence = npsShown && npsRespondents < _options.MinimumSample,
            };
            // Survey windows are whole months: only a month not over yet is partial.
            return new SurveyGroup(team, month, inGroup.Select(a => a.RespondentHash).Distinct().LongCount(), npsFigure, likert)
            {
                Partial = month is { } m && _months.Start(m.AddMonths(1)) > _now,
            };
        }

        var teams = answers.Select(a => a.Team).Distinct().Order(StringComparer.Ordinal).ToList();
        var months = answers.Select(a => a.Month).Distinct().Order().ToList();
        var cells = answers.Select(a => (a.Team, a.Month)).Distinct().OrderBy(c => c.Team, StringComparer.Ordinal).ThenBy(c => c.Month).ToList();

        // Participation: surveys opened (first answer to them, anywhere) in the period.
        var waves = _space.SurveyResponses.GroupBy(a => a.SurveyId)
            .Select(g => (SurveyId: g.Key, OpenedAt: g.Min(a => a.AnsweredAt)))
            .Where(w => w.OpenedAt >= start && w.OpenedAt < end)
            .ToList();
        var surveys = new List<SurveyParticipation>();
        foreach (var (surveyId, openedAt) in waves)
        {
            var responses = _space.SurveyResponses.Where(a => a.SurveyId == surveyId)
                .Select(a => (Team: a.Team == "" ? TeamAttribution.Unassigned : a.Team, a.RespondentHash)).ToList();
            var members = _space.Memberships.Where(m => m.Covers(openedAt) && !_botPeople.Contains(m.PersonId)).ToList();
            var rowTeams = responses.Select(r => r.Team).Concat(members.Select(m => m.Team)).Distinct().Append("");
            foreach (var team in rowTeams)
            {
                surveys.Add(new SurveyParticipation(surveyId, openedAt, team,
                    responses.Where(r => team == "" || r.Team == team).Select(r => r.RespondentHash).Distinct().LongCount(),
                    members.Where(m => team == "" || m.Team == team).Select(m => m.PersonId).Distinct().LongCount()));
            }
        }
        surveys = surveys.OrderBy(s => s.OpenedAt).ThenBy(s => s.SurveyId, StringComparer.Ordinal).ThenBy(s => s.Team, StringComparer.Ordinal).ToList();
        ParticipationFigure Pooled(string team)
        {
            var rows = surveys.Where(s => s.Team == team).ToList();
            return new ParticipationFigure(team, rows.Count, rows.Sum(r => r.Respondents), rows.Sum(r => r.Headcount));
        }

        return new SatisfactionResult(from, to, minimumRespondents,
            Group("", null),
            teams.Select(team => Group(team, null)).ToList(),
            months.Select(month => Group("", month)).ToList(),
            cells.Select(cell => Group(cell.Team, cell.Month)).ToList(),
            Pooled(""),
            surveys.Where(s => s.Team != "").Select(s => s.Team).Distinct().Order(StringComparer.Ordinal).Select(Pooled).ToList(),
            surveys);
    }

    /// <summary>
    /// Months every wave dated in is closed (docs/metrics.md, "Survey waves"): a wave is a survey id, or an answer's
    /// month as '@yyyy-MM' without one; it closes the wave days after its first answer.
    /// </summary>
    private HashSet<DateOnly> PublishedMonths()
    {
        var waves = _space.SurveyResponses
            .GroupBy(a => a.SurveyId != "" ? a.SurveyId : "@" + _months.MonthOf(a.AnsweredAt).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture))
            .Select(wave => (Closed: wave.Min(a => a.AnsweredAt).AddDays(_surveyWaveDays) <= _now, Months: wave.Select(a => _months.MonthOf(a.AnsweredAt)).Distinct()))
            .ToList();
        return waves.SelectMany(w => w.Months).Distinct()
            .Where(month => waves.Where(w => w.Months.Contains(month)).All(w => w.Closed))
            .ToHashSet();
    }

    // ---------------------------------------------------------------- activity, collaboration, flow

    public TeamBreakdown<ActivityFigure> Activity(DateTimeOffset from, DateTimeOffset to)
    {
        bool InPeriod(DateTimeOffset at) => at >= from && at < to;
        var events = new List<(string Team, string Kind)>();
        events.AddRange(_doraOracle.ProductionDeployments().Where(d => InPeriod(d.FinishedAt!.Value))
            .Select(d => (_doraOracle.TeamOf(d.Service, d.FinishedAt!.Value), "deployment")));
        events.AddRange(_space.PullRequests.Where(p => p.MergedAt is { } merged && InPeriod(merged) && !IsBotAuthor(p))
            .Select(p => (PullRequestTeam(p), "merged")));
        events.AddRange(PeopleReviews().Where(r => InPeriod(r.Review.SubmittedAt))
            .Select(r => (ReviewerTeam(r.Review) ?? TeamAttribution.Unassigned, "review")));
        events.AddRange(_space.ServiceRequests.Where(r => InPeriod(r.RequestedAt))
            .Select(r => (r.Team == "" ? TeamAttribution.Unassigned : r.Team, "request")));
        var headcount = Headcount(_months.HeadcountInstants(from, to));

        ActivityFigure Figure(string team)
        {
            long Count(string kind) => events.LongCount(e => e.Kind == kind && (team == "" || e.Team == team));
            var people = headcount.GetValueOrDefault(team);
            return new ActivityFigure(team, Count("deployment"), Count("merged"), Count("review"), Count("request"), people)
            {
                LowConfidence = people < _options.MinimumSample,
            };
        }
        var teams = events.Select(e => e.Team).Concat(headcount.Keys).Where(t => t != "").Distinct().Order(StringComparer.Ordinal);
        return new TeamBreakdown<ActivityFigure>(from, to, Figure(""), teams.Select(Figure).ToList());
    }

    public TeamBreakdown<CollaborationFigure> Collaboration(DateTimeOffset from, DateTimeOffset to)
    {
        bool InPeriod(DateTimeOffset at) => at >= from && at < to;
        var given = PeopleReviews().Where(r => InPeriod(r.Review.SubmittedAt))
            .Select(r => (Team: ReviewerTeam(r.Review), PullRequestTeam: PullRequestTeam(r.PullRequest)))
            .Select(r => (Owner: r.Team ?? TeamAttribution.Unassigned, Known: r.Team is not null, Cross: r.Team is not null && r.Team != r.PullRequestTeam))
            .ToList();
        var reviewsByPullRequest = PeopleReviews().ToLookup(r => (r.Review.Repository, r.Review.Number));
        var merged = _space.PullRequests.Where(p => p.MergedAt is { } at && InPeriod(at) && !IsBotAuthor(p))
            .Select(p =>
            {
                var reviews = reviewsByPullRequest[(p.Repository, p.Number)].Select(r => r.Review).ToList();
                // Pickup as pr/cycle_time: opened → first review by someone else who is not a bot.
                var first = _space.Reviews.Where(r => r.Repository == p.Repository && r.Number == p.Number && r.ReviewerLogin != p.AuthorLogin
                        && !r.ReviewerIsBot && !_botLogins.Contains(r.ReviewerLogin))
                    .Select(r => (DateTimeOffset?)r.SubmittedAt).Min();
                return (Team: PullRequestTeam(p), Reviewers: reviews.Select(r => r.ReviewerLogin).Distinct().Count(),
                    Pickup: first is { } at ? (at - p.OpenedAt).TotalMilliseconds / 1000.0 : (double?)null);
            })
            .ToList();

        CollaborationFigure Figure(string team)
        {
            var mine = given.Where(g => team == "" || g.Owner == team).ToList();
            var prs = merged.Where(m => team == "" || m.Team == team).ToList();
            var pickups = prs.Where(p => p.Pickup >= 0).Select(p => p.Pickup!.Value).ToList();
            var pickup = new PhaseFigure(pickups.Count, Quantiles.Interpolated(pickups, 0.5) is { } median ? TimeSpan.FromSeconds(median) : null, prs.Count(p => p.Pickup < 0));
            var known = mine.LongCount(g => g.Known);
            return new CollaborationFigure(team, pickup, known, mine.LongCount(g => g.Known && g.Cross), mine.LongCount(g => !g.Known), prs.Count,
                prs.Count == 0 ? null : prs.Average(p => (double)p.Reviewers))
            {
                LowConfidence = known < _options.MinimumSample || prs.Count < _options.MinimumSample,
            };
        }
        var teams = given.Select(g => g.Owner).Concat(merged.Select(m => m.Team)).Distinct().Order(StringComparer.Ordinal);
        return new TeamBreakdown<CollaborationFigure>(from, to, Figure(""), teams.Select(Figure).ToList());
    }

    public TeamBreakdown<FlowFigure> Flow(DateTimeOffset from, DateTimeOffset to, SatisfactionResult satisfaction)
    {
        var end = to.AddMilliseconds(-1);
        var open = _space.PullRequests
            .Where(p => p.OpenedAt < to && (p.MergedAt is null || p.MergedAt >= to) && (p.ClosedAt is null || p.ClosedAt >= to) && !IsBotAuthor(p))
            .Select(p => _doraOracle.TeamOf(ServiceOf(p.Repository), end))
            .ToList();
        var headcount = Headcount([end]);
        FlowFigure Figure(string team)
        {
            var group = team == "" ? satisfaction.Organisation : satisfaction.Teams.FirstOrDefault(t => t.Team == team);
            var people = (long)headcount.GetValueOrDefault(team);
            return new FlowFigure(team, open.LongCount(t => team == "" || t == team), people,
                group?.Question(SurveyQuestions.Flow), group?.Question(SurveyQuestions.Interruptions))
            {
                LowConfidence = people < _options.MinimumSample,
            };
        }
        var teams = open.Concat(headcount.Keys).Where(t => t != "").Distinct().Order(StringComparer.Ordinal);
        return new TeamBreakdown<FlowFigure>(from, to, Figure(""), teams.Select(Figure).ToList());
    }

    // ---------------------------------------------------------------- platform adoption

    public GoldenPathResult GoldenPath(DateTimeOffset from, DateTimeOffset to)
    {
        var whole = GoldenPathBuckets([from, to]);
        var monthly = GoldenPathBuckets(_months.MonthBounds(from, to));
        var monthOfBucket = _months.Months(from, to);
        // A month is partial when the window or now cuts it.
        var end = to < _now ? to : _now;
        // Its days in the window: local days of the month that have begun by the window's (or now's) end and end after its start.
        GoldenPathFigure WithMonth(GoldenPathFigure figure, int bucket)
        {
            var month = monthOfBucket[bucket];
            var days = DateTime.DaysInMonth(month.Year, month.Month);
            return figure with
            {
                Month = month,
                Partial = _months.Start(month) < from || _months.Start(month.AddMonths(1)) > end,
                DaysInPeriod = Enumerable.Range(0, days).Select(month.AddDays).Count(day => _months.Start(day) < end && _months.Start(day.AddDays(1)) > from),
                Days = days,
            };
        }
        return new GoldenPathResult(from, to,
            whole.Single(b => b.Team == "").Figure,
            whole.Where(b => b.Team != "").Select(b => b.Figure).ToList(),
            monthly.Where(b => b.Team == "").Select(b => WithMonth(b.Figure, b.Bucket)).ToList(),
            monthly.Where(b => b.Team != "").OrderBy(b => b.Team, StringComparer.Ordinal).ThenBy(b => b.Bucket).Select(b => WithMonth(b.Figure, b.Bucket)).ToList());
    }

    private List<(int Bucket, string Team, GoldenPathFigure Figure)> GoldenPathBuckets(IReadOnlyList<DateTimeOffset> bounds)
    {
        var golden = _space.Templates.Where(t => t.IsGoldenPath).Select(t => t.Template).ToHashSet(StringComparer.Ordinal);
        var production = _doraOracle.ProductionDeployments();
        var result = new List<(int, string, GoldenPathFigure)>();
        for (var bucket = 0; bucket < bounds.Count - 1; bucket++)
        {
            var (start, end) = (bounds[bucket], bounds[bucket + 1]);
            var atEnd = end.AddMilliseconds(-1);
            var active = production.Where(d => d.FinishedAt >= start && d.FinishedAt < end)
                .GroupBy(d => d.Service)
                .Select(g =>
                {
                    var last = g.MaxBy(d => d.FinishedAt)!;
                    return (Team: _doraOracle.TeamOf(g.Key, last.FinishedAt!.Value), Template: TemplateAt(g.Key, atEnd)?.Template ?? "");
                })
                .ToList();
            if (active.Count == 0)
            {
                result.Add((bucket, "", new GoldenPathFigure("", null, 0, 0, []) { LowConfidence = true }));
                continue;
            }
            foreach (var team in active.Select(a => a.Team).Distinct().Order(StringComparer.Ordinal).Prepend(""))
            {
                var mine = active.Where(a => team == "" || a.Team == team).ToList();
                var templates = mine.Where(a => a.Template != "").GroupBy(a => a.Template).OrderBy(g => g.Key, StringComparer.Ordinal)
                    .Select(g => new TemplateShare(g.Key, golden.Contains(g.Key), g.Count(), g.Count() / (double)mine.Count)).ToList();
                result.Add((bucket, team, new GoldenPathFigure(team, null, mine.Count, mine.Count(a => golden.Contains(a.Template)), templates)
                {
                    LowConfidence = mine.Count < _options.MinimumSample,
                }));
            }
        }
        return result;
    }

    public TemplateCurrencyResult TemplateCurrency(DateTimeOffset to)
    {
        var at = to.AddMilliseconds(-1);
        var templates = _space.Templates.ToDictionary(t => t.Template, StringComparer.Ordinal);
        var services = _space.ServiceTemplates.Where(t => t.Covers(at)).GroupBy(t => t.Service)
            .Select(g => g.MaxBy(t => t.ValidFrom)!)
            .Select(t =>
            {
                var latest = templates.GetValueOrDefault(t.Template)?.LatestVersion;
                var (status, majors, minors) = latest is null ? (VersionStatus.Unknown, null, null) : SemanticVersion.Lag(t.TemplateVersion, latest);
                return new ServiceTemplateVersion(t.Service, _doraOracle.TeamOf(t.Service, at), t.Template, t.TemplateVersion, latest ?? "", status, majors, minors);
            })
            .ToList();
        return Analytics.Core.Space.TemplateCurrency.Summarise(to, services);
    }

    public TeamBreakdown<SelfServiceFigure> SelfService(DateTimeOffset from, DateTimeOffset to, IReadOnlyCollection<string>? kinds = null)
    {
        var fulfilled = _space.ServiceRequests
            .Where(r => r.FulfilledAt is { } at && at >= from && at < to && (kinds is null || kinds.Count == 0 || kinds.Contains(r.Kind)))
            .Select(r => (Team: r.Team == "" ? TeamAttribution.Unassigned : r.Team, r.Channel, Seconds: (r.FulfilledAt!.Value - r.RequestedAt).TotalMilliseconds / 1000.0))
            .ToList();
        ChannelFulfilment Channel(IEnumerable<(string Team, string Channel, double Seconds)> rows)
        {
            var list = rows.ToList();
            var valid = list.Where(r => r.Seconds >= 0).Select(r => r.Seconds).ToList();
            return new ChannelFulfilment(list.Count, Quantiles.Interpolated(valid, 0.5) is { } median ? TimeSpan.FromSeconds(median) : null, list.Count(r => r.Seconds < 0))
            {
                LowConfidence = valid.Count < _options.MinimumSample,
            };
        }
        SelfServiceFigure Figure(string team)
        {
            var mine = fulfilled.Where(r => team == "" || r.Team == team).ToList();
            return new SelfServiceFigure(team, mine.Count, mine.Count(r => r.Channel == "self_service"),
                Channel(mine.Where(r => r.Channel == "self_service")), Channel(mine.Where(r => r.Channel == "ticket")))
            {
                LowConfidence = mine.Count < _options.MinimumSample,
            };
        }
        return new TeamBreakdown<SelfServiceFigure>(from, to, Figure(""), fulfilled.Select(r => r.Team).Distinct().Order(StringComparer.Ordinal).Select(Figure).ToList());
    }

    public TeamBreakdown<FirstDeployFigure> FirstDeploy(DateTimeOffset from, DateTimeOffset to)
    {
        var production = _doraOracle.ProductionDeployments().Where(d => d.FinishedAt < to).ToDictionary(d => d.DeploymentId);
        var joiners = _space.Memberships.Where(m => !_botPeople.Contains(m.PersonId)).GroupBy(m => m.PersonId)
            .Select(g => g.OrderBy(m => m.ValidFrom).ThenBy(m => m.Team, StringComparer.Ordinal).First())
            .Where(m => m.ValidFrom >= from && m.ValidFrom < to)
            .Select(m =>
            {
                var emails = _space.Identities.Where(i => i.PersonId == m.PersonId && i.Kind == "git_email").Select(i => i.Value).ToHashSet(StringComparer.Ordinal);
                var commits = _space.CommitAuthors.Where(c => emails.Contains(c.AuthorEmail.Trim(' ').ToLowerInvariant())).Select(c => (c.Repository, c.Sha)).ToHashSet();
                var first = _dora.DeploymentCommits
                    .Where(link => commits.Contains((link.Repository, link.Sha)) && production.ContainsKey(link.DeploymentId))
                    .Select(link => production[link.DeploymentId].FinishedAt!.Value)
                    .Where(finished => finished >= m.ValidFrom)
                    .Select(finished => (DateTimeOffset?)finished)
                    .Min();
                return (m.Team, Seconds: first is { } at ? (at - m.ValidFrom).TotalMilliseconds / 1000.0 : (double?)null);
            })
            .ToList();
        FirstDeployFigure Figure(string team)
        {
            var mine = joiners.Where(j => team == "" || j.Team == team).ToList();
            var deployed = mine.Where(j => j.Seconds is not null).Select(j => j.Seconds!.Value).ToList();
            return new FirstDeployFigure(team, mine.Count, deployed.Count,
                Quantiles.Interpolated(deployed, 0.5) is { } median ? TimeSpan.FromSeconds(median) : null, mine.Count - deployed.Count)
            {
                LowConfidence = deployed.Count < _options.MinimumSample,
            };
        }
        return new TeamBreakdown<FirstDeployFigure>(from, to, Figure(""), joiners.Select(j => j.Team).Distinct().Order(StringComparer.Ordinal).Select(Figure).ToList());
    }

    // ---------------------------------------------------------------- shared definitions

    /// <summary>Mean over the instants of each team's (and the organisation's, key "") distinct members, bots left out.</summary>
    private Dictionary<string, double> Headcount(IReadOnlyList<DateTimeOffset> instants)
    {
        var sums = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var instant in instants)
        {
            var members = _space.Memberships.Where(m => m.Covers(instant) && !_botPeople.Contains(m.PersonId)).ToList();
            if (members.Count == 0)
            {
                continue;
            }
            foreach (var team in members.Select(m => m.Team).Distinct())
            {
                sums[team] = sums.GetValueOrDefault(team) + members.Where(m => m.Team == team).Select(m => m.PersonId).Distinct().Count();
            }
            sums[""] = sums.GetValueOrDefault("") + members.Select(m => m.PersonId).Distinct().Count();
        }
        return sums.ToDictionary(pair => pair.Key, pair => pair.Value / instants.Count, StringComparer.Ordinal);
    }

    private bool IsBotAuthor(PullRequestEvent pullRequest) => pullRequest.AuthorIsBot || _botLogins.Contains(pullRequest.AuthorLogin);

    /// <summary>The repository's service: the first by slug (as attributed_pull_requests); "" if none.</summary>
    private string ServiceOf(string repository) =>
        _space.Services.Where(s => s.Repository == repository).Select(s => s.Service).Order(StringComparer.Ordinal).FirstOrDefault() ?? "";

    /// <summary>The owner of the repository's service when the pull request was merged (or opened, if not merged).</summary>
    private string PullRequestTeam(PullRequestEvent pullRequest) =>
        _doraOracle.TeamOf(ServiceOf(pullRequest.Repository), pullRequest.MergedAt ?? pullRequest.OpenedAt);

    /// <summary>Reviews by people (not bots, not the author) of known pull requests.</summary>
    private IEnumerable<(ReviewEvent Review, PullRequestEvent PullRequest)> PeopleReviews()
    {
        var pullRequests = _space.PullRequests.ToDictionary(p => (p.Repository, p.Number));
        foreach (var review in _space.Reviews)
        {
            if (pullRequests.TryGetValue((review.Repository, review.Number), out var pullRequest)
                && !review.ReviewerIsBot && !_botLogins.Contains(review.ReviewerLogin) && review.ReviewerLogin != pullRequest.AuthorLogin)
            {
                yield return (review, pullRequest);
            }
        }
    }

    /// <summary>The reviewer's team when the review was submitted (most recently joined if several), or null if unknown.</summary>
    private string? ReviewerTeam(ReviewEvent review)
    {
        var login = review.ReviewerLogin.Trim(' ').ToLowerInvariant();
        var person = _space.Identities.FirstOrDefault(i => i.Kind == "github_login" && i.Value == login)?.PersonId;
        return person is null ? null : _space.Memberships
            .Where(m => m.PersonId == person && m.Covers(review.SubmittedAt))
            .OrderByDescending(m => m.ValidFrom).ThenByDescending(m => m.Team, StringComparer.Ordinal)
            .FirstOrDefault()?.Team;
    }

    /// <summary>The template range that started last at or before the instant, if it has not ended by then.</summary>
    private ServiceTemplateRange? TemplateAt(string service, DateTimeOffset at)
    {
        var range = _space.ServiceTemplates.Where(t => t.Service == service && t.ValidFrom <= at).MaxBy(t => t.ValidFrom);
        return range is null || (range.ValidTo is { } end && at >= end) ? null : range;
    }
}
