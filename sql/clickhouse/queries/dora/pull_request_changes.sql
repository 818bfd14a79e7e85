-- The pull requests behind a team's lead time per pull request over [from, to) (team '' = every team): each merged
-- pull request whose merge or squash commit's first production deployment finished in the period, with its first
-- commit time, merge time, that deployment and its lead time. The same samples as dora/lead_time_per_pull_request.sql
-- (derived table pull_request_shipments, migration 0023), so the rows number the figure's n: excluded ones (first commit
-- unknown or after the deployment) are listed with excluded = true. Slowest first.
-- {by:String} and {unit:String} ('' = all): only the rows of that one team, service or repository, each row's unit as the
-- figures' files have it (docs/metrics.md, "Breakdown by team, service or repository").
-- Paged: {limit:UInt32} rows from {offset:UInt32}; total_rows is how many rows there are in all (docs/dashboards.md, "Rows API").
WITH shipped AS
(
    SELECT f.*
    FROM pull_request_shipments AS f
    -- the shipping deployment's service, read only when filtering by service
    LEFT JOIN (SELECT deployment_id, service FROM production_deployments WHERE {by:String} = 'service' AND {unit:String} != '') AS d ON d.deployment_id = f.deployment_id
    WHERE f.deployed_at >= {from:DateTime64(3, 'UTC')} AND f.deployed_at < {to:DateTime64(3, 'UTC')}
      AND ({team:String} = '' OR f.owner = {team:String})
      AND ({unit:String} = '' OR multiIf({by:String} = 'service', d.service, {by:String} = 'repository', f.repository, f.owner) = {unit:String})
)
SELECT
    s.repository AS repository,
    tupleElement(p.pull_request, 1) AS number,
    -- Any e-mail address in the title masked, as a commit's subject line is in dora/changes.sql (docs/security.md).
    replaceRegexpAll(tupleElement(p.pull_request, 2), '[^\\s<>@]+@[^\\s<>@]+', '<e-mail>') AS title,
    s.sha AS sha,
    s.owner AS team,
    s.deployment_id AS deployment_id,
    s.link AS link,
    s.first_commit_at AS first_commit_at,
    tupleElement(p.pull_request, 3) AS merged_at,
    s.deployed_at AS deployed_at,
    s.lead_seconds AS lead_seconds,
    toBool(NOT s.valid) AS excluded,
    tupleElement(p.pull_request, 4) AS url,
    count() OVER () AS total_rows
FROM shipped AS s
LEFT JOIN
(
    -- The pull request of each listed merge commit, as FINAL keeps it (the lowest number should two name one commit),
    -- reading only those commits' repositories.
    SELECT repository, merge_sha, argMin(tuple(number, title, merged_at, url), number) AS pull_request
    FROM pull_requests FINAL
    WHERE repository IN (SELECT repository FROM shipped) AND merge_sha IN (SELECT sha FROM shipped) AND merged_at IS NOT NULL
    GROUP BY repository, merge_sha
) AS p ON p.repository = s.repository AND p.merge_sha = s.sha
ORDER BY s.lead_seconds DESC, s.repository, number
LIMIT {limit:UInt32} OFFSET {offset:UInt32}
