-- Time to first deploy per team and for the organisation (team = '') for the engineers who joined in [from, to):
-- people (not bots) whose first membership starts in the period; the team is the one that membership is in (by
-- name if two start together). Their first deployment is the earliest production deployment that finished at or
-- after they joined and before {to}, and shipped (deployment_commits) a commit they authored: the commit's
-- author_email, lower-cased and trimmed, is one of their git_email identities. Joiners without one are counted
-- as not yet deployed. The median interpolates (quantileExactInclusive).
WITH
    joiners AS
    (
        SELECT person_id, min(valid_from) AS joined_at, argMin(team, (valid_from, team)) AS joined_team
        FROM catalog_team_membership
        WHERE person_id NOT IN (SELECT person_id FROM catalog_identities WHERE is_bot)
        GROUP BY person_id
        HAVING joined_at >= {from:DateTime64(3, 'UTC')} AND joined_at < {to:DateTime64(3, 'UTC')}
    ),
    authored AS
    (
        SELECT i.person_id AS person_id, c.repository AS repository, c.sha AS sha
        FROM (SELECT repository, sha, author_email FROM commits FINAL) AS c
        INNER JOIN
        (
            SELECT person_id, value FROM catalog_identities
            WHERE kind = 'git_email' AND person_id IN (SELECT person_id FROM joiners)
        ) AS i ON i.value = lowerUTF8(trimBoth(c.author_email))
    ),
    first_deploys AS
    (
        SELECT a.person_id AS person_id, min(pd.finished_at) AS deployed_at
        FROM authored AS a
        INNER JOIN (SELECT deployment_id, repository, sha FROM deployment_commits FINAL) AS dc ON dc.repository = a.repository AND dc.sha = a.sha
        INNER JOIN (SELECT deployment_id, finished_at FROM production_deployments WHERE finished_at < {to:DateTime64(3, 'UTC')}) AS pd
            ON pd.deployment_id = dc.deployment_id
        INNER JOIN joiners AS j ON j.person_id = a.person_id
        WHERE pd.finished_at >= j.joined_at
        GROUP BY a.person_id
    )
SELECT
    if(grouping(owner) = 1, '', owner) AS team,
    count() AS joiners,
    countIf(has_deployed) AS deployed,
    if(deployed = 0, NULL, quantileExactInclusiveIf(0.5)(seconds, has_deployed)) AS median_seconds
FROM
(
    SELECT
        j.joined_team AS owner,
        f.deployed_at IS NOT NULL AS has_deployed,
        if(has_deployed, dateDiff('millisecond', j.joined_at, assumeNotNull(f.deployed_at)) / 1000.0, 0) AS seconds
    FROM joiners AS j
    LEFT JOIN (SELECT person_id, toNullable(deployed_at) AS deployed_at FROM first_deploys) AS f ON f.person_id = j.person_id
)
GROUP BY ROLLUP(owner)
ORDER BY team
