-- Survey figures per question for every team and the organisation (team = ''), over the whole period
-- (is_month = 0) and per calendar month of the organisation's time zone {tz:String} (is_month = 1), over the
-- answers given in [from, to). The caller widens the period to whole months first: survey figures are only
-- ever computed over whole months (survey privacy, docs/metrics.md). The team is the one on the answer.
-- respondents = distinct respondents (n); responses = answers. Question '' stands for "any question": its
-- respondents are the group's respondents to the survey as a whole. NPS question 'nps' scores 0–10: promoters 9–10,
-- detractors 0–6. Every other question is Likert 1–5: score_sum and the count of each score 1..5.
-- Scores outside their scale are not answers and are left out. These are raw counts: SurveyQueries applies the
-- privacy rule (survey_respondents.sql) before anything leaves the query layer. Only the published months
-- {published:Array(Date)} are read (SurveyWaves): figures of a month with an open wave are not shown yet.
WITH answers AS
(
    SELECT
        arrayJoin([question, '']) AS asked,
        respondent_hash,
        if(team = '', 'unassigned', team) AS owner,
        toStartOfMonth(toTimeZone(answered_at, {tz:String})) AS answer_month,
        score
    FROM survey_responses FINAL
    WHERE answered_at >= {from:DateTime64(3, 'UTC')} AND answered_at < {to:DateTime64(3, 'UTC')}
      AND has({published:Array(Date)}, toStartOfMonth(toTimeZone(answered_at, {tz:String})))
      AND if(question = 'nps', score BETWEEN 0 AND 10, score BETWEEN 1 AND 5)
)
SELECT
    asked AS question,
    if(grouping(owner) = 1, '', owner) AS team,
    toBool(grouping(answer_month) = 0) AS is_month,
    answer_month AS month,
    uniqExact(respondent_hash) AS respondents,
    count() AS responses,
    countIf(score >= 9) AS promoters,
    countIf(score <= 6) AS detractors,
    sum(toInt64(score)) AS score_sum,
    [countIf(score = 1), countIf(score = 2), countIf(score = 3), countIf(score = 4), countIf(score = 5)] AS likert_counts
FROM answers
GROUP BY GROUPING SETS ((asked, owner, answer_month), (asked, owner), (asked, answer_month), (asked))
ORDER BY question, team, is_month, month
