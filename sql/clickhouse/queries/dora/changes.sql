-- The changes behind a team's lead time over [from, to) (team '' = every team): each commit whose first
-- production deployment finished in the period, with its lead time and how it was linked. Same definition
-- as dora/lead_time (negative lead times are listed with excluded = true). Slowest first.
-- Paged: {limit:UInt32} rows from {offset:UInt32}; total_rows is how many rows there are in all (docs/dashboards.md, "Rows API").
-- {by:String} and {unit:String} ('' = all): only the rows of that one team, service or repository, each row's unit as the
-- figures' files have it (docs/metrics.md, "Breakdown by team, service or repository").
-- A change's service is the one whose deployment shipped it, its repository the one it was made in (as in dora/lead_time.sql).
WITH first_shipment AS
(
    -- view first_shipments (migration 0008)
    SELECT f.* FROM first_shipments(to = {to:DateTime64(3, 'UTC')}) AS f
    -- the shipping deployment's service, read only when filtering by service
    LEFT JOIN (SELECT deployment_id, service FROM production_deployments WHERE {by:String} = 'service' AND {unit:String} != '') AS d ON d.deployment_id = f.deployment_id
    WHERE f.deployed_at >= {from:DateTime64(3, 'UTC')} AND ({team:String} = '' OR f.owner = {team:String})
      AND ({unit:String} = '' OR multiIf({by:String} = 'service', d.service, {by:String} = 'repository', f.repository, f.owner) = {unit:String})
)
SELECT
    f.repository AS repository,
    f.sha AS sha,
    f.owner AS team,
    f.deployment_id AS deployment_id,
    f.link AS link,
    -- The subject line only, any e-mail address in it masked: trailers (Signed-off-by, Co-authored-by) name
    -- people with their addresses, and the drill-down needs no personal data beyond what identifies the change.
    replaceRegexpAll(splitByChar('\n', c.message)[1], '[^\\s<>@]+@[^\\s<>@]+', '<e-mail>') AS message,
    if({use_author_time:Bool}, f.authored_at, f.committed_at) AS committed_at,
    f.deployed_at AS deployed_at,
    dateDiff('millisecond', committed_at, f.deployed_at) / 1000.0 AS lead_seconds,
    toBool(lead_seconds < 0) AS excluded,
    count() OVER () AS total_rows
FROM first_shipment AS f
INNER JOIN
(
    -- The latest delivery of each listed commit, as FINAL would keep it, reading only those commits' rows
    -- (the repository condition lets the primary key skip other teams' repositories).
    SELECT repository, sha, argMax(message, ingested_at) AS message
    FROM commits
    WHERE repository IN (SELECT repository FROM first_shipment) AND sha IN (SELECT sha FROM first_shipment)
    GROUP BY repository, sha
) AS c ON c.repository = f.repository AND c.sha = f.sha
ORDER BY lead_seconds DESC, f.sha
LIMIT {limit:UInt32} OFFSET {offset:UInt32}
