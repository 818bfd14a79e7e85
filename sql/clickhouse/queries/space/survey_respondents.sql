-- Who answered each question, per team and calendar month ({tz:String}) of [from, to): the cells the survey
-- privacy rule decides on (SurveyPrivacy). Respondents appear only as a 64-bit hash of their already salted
-- respondent_hash, which never leaves the query layer: only counts and decisions do. Published months only (SurveyWaves).
SELECT
    question,
    if(team = '', 'unassigned', team) AS owner,
    toStartOfMonth(toTimeZone(answered_at, {tz:String})) AS answer_month,
    groupUniqArray(cityHash64(respondent_hash)) AS respondents
FROM survey_responses FINAL
WHERE answered_at >= {from:DateTime64(3, 'UTC')} AND answered_at < {to:DateTime64(3, 'UTC')}
  AND has({published:Array(Date)}, toStartOfMonth(toTimeZone(answered_at, {tz:String})))
  AND if(question = 'nps', score BETWEEN 0 AND 10, score BETWEEN 1 AND 5)
GROUP BY question, owner, answer_month
ORDER BY question, owner, answer_month
