-- Participation per survey opened in [from, to) for every team and the organisation (team = ''): distinct
-- respondents (to any question, the team on their answer) ÷ headcount when the survey opened. A survey opens with
-- its first answer; headcount = distinct people with a membership covering that instant (bots left out; someone in
-- two teams counts in both, once for the organisation).
WITH
    waves AS
    (
        SELECT survey_id, min(answered_at) AS opened_at
        FROM survey_responses FINAL
        GROUP BY survey_id
        HAVING opened_at >= {from:DateTime64(3, 'UTC')} AND opened_at < {to:DateTime64(3, 'UTC')}
    ),
    answered AS
    (
        SELECT survey_id, if(grouping(owner) = 1, '', owner) AS team, uniqExact(respondent_hash) AS respondents
        FROM
        (
            SELECT survey_id, if(team = '', 'unassigned', team) AS owner, respondent_hash
            FROM survey_responses FINAL
            WHERE survey_id IN (SELECT survey_id FROM waves)
        )
        GROUP BY GROUPING SETS ((survey_id, owner), (survey_id))
    ),
    members AS
    (
        SELECT survey_id, if(grouping(member_team) = 1, '', member_team) AS team, uniqExact(person_id) AS headcount
        FROM
        (
            SELECT w.survey_id AS survey_id, m.team AS member_team, m.person_id AS person_id
            FROM waves AS w
            CROSS JOIN catalog_team_membership AS m
            WHERE m.valid_from <= w.opened_at AND (m.valid_to IS NULL OR w.opened_at < m.valid_to)
              AND m.person_id NOT IN (SELECT person_id FROM catalog_identities WHERE is_bot)
        )
        GROUP BY GROUPING SETS ((survey_id, member_team), (survey_id))
    )
SELECT
    survey_id,
    w.opened_at AS opened_at,
    team,
    respondents,
    headcount
FROM answered
FULL OUTER JOIN members USING (survey_id, team)
INNER JOIN waves AS w USING (survey_id)
ORDER BY opened_at, survey_id, team
