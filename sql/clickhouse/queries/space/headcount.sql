-- Headcount of every team and the organisation (team = '') at each of {instants:Array(DateTime64(3, 'UTC'))}
-- (distinct people with a membership covering the instant; bots left out; someone in two teams at once counts in
-- both and once for the organisation), averaged over the instants. The caller picks the instants: a period's start
-- and each month start inside it, or just before a period's end.
SELECT team, sum(people) / length({instants:Array(DateTime64(3, 'UTC'))}) AS headcount
FROM
(
    SELECT instant, if(grouping(member_team) = 1, '', member_team) AS team, uniqExact(person_id) AS people
    FROM
    (
        SELECT instant, m.team AS member_team, m.person_id AS person_id
        FROM catalog_team_membership AS m
        ARRAY JOIN {instants:Array(DateTime64(3, 'UTC'))} AS instant
        WHERE m.valid_from <= instant AND (m.valid_to IS NULL OR instant < m.valid_to)
          AND m.person_id NOT IN (SELECT person_id FROM catalog_identities WHERE is_bot)
    )
    GROUP BY GROUPING SETS ((instant, member_team), (instant))
)
GROUP BY team
ORDER BY team
