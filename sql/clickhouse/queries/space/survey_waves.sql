-- Survey waves (docs/metrics.md, "Survey waves"): a survey id, or for answers without one their calendar month of
-- the organisation's time zone {tz:String} as '@yyyy-MM'. Per wave: its first answer and the months ('yyyy-MM-dd',
-- first days) its answers are dated in, and its explicit closing (survey_wave_closures), NULL when closed by none.
-- SurveyWaves adds the automatic closing and decides which months are published.
SELECT
    w.wave AS wave,
    w.opened_at AS opened_at,
    w.months AS months,
    c.closed_at AS closed_at
FROM
(
    SELECT
        if(survey_id = '', concat('@', formatDateTime(toTimeZone(answered_at, {tz:String}), '%Y-%m')), survey_id) AS wave,
        min(answered_at) AS opened_at,
        arraySort(groupUniqArray(toString(toStartOfMonth(toTimeZone(answered_at, {tz:String}))))) AS months
    FROM survey_responses FINAL
    GROUP BY wave
) AS w
LEFT JOIN
(
    SELECT wave, min(closed_at) AS closed_at
    FROM survey_wave_closures
    GROUP BY wave
) AS c ON c.wave = w.wave
ORDER BY opened_at, wave
SETTINGS join_use_nulls = 1
