-- Lead time for changes per team and for the organisation (team = '') over [from, to).
-- Per commit: finish of the first production deployment that shipped it (deployment_commits) minus the
-- commit's committer time (author time when {use_author_time:Bool}). The sample is the commits whose first
-- shipping deployment finished in the period; the team is the owner of the deploying service at that time.
-- Median and percentiles interpolate linearly between neighbours (quantileExactInclusive = PERCENTILE_CONT).
-- Negative durations are data errors: excluded from the figures and counted in `excluded`.
-- {by:String}: rows by team (the owner above), service (the service whose deployment shipped the change) or
-- repository (the one the commit was made in); docs/metrics.md, "Breakdown by team, service or repository".
WITH first_shipment AS
(
    -- view first_shipments (migration 0008)
    SELECT * FROM first_shipments(to = {to:DateTime64(3, 'UTC')})
),
changes AS
(
    SELECT
        multiIf({by:String} = 'service', d.service, {by:String} = 'repository', f.repository, f.owner) AS owner,
        f.link AS link,
        dateDiff('millisecond', if({use_author_time:Bool}, f.authored_at, f.committed_at), f.deployed_at) / 1000.0 AS lead_seconds
    FROM first_shipment AS f
    -- the shipping deployment's service, read only when the rows are services
    LEFT JOIN (SELECT deployment_id, service FROM production_deployments WHERE {by:String} = 'service') AS d ON d.deployment_id = f.deployment_id
    WHERE f.deployed_at >= {from:DateTime64(3, 'UTC')} AND ({team:String} = '' OR f.owner = {team:String})
)
SELECT
    if(grouping(owner) = 1, '', owner) AS team,
    countIf(lead_seconds >= 0) AS changes,
    countIf(lead_seconds < 0) AS excluded,
    if(changes = 0, NULL, quantileExactInclusiveIf(0.5)(lead_seconds, lead_seconds >= 0)) AS median_seconds,
    if(changes = 0, NULL, quantileExactInclusiveIf(0.75)(lead_seconds, lead_seconds >= 0)) AS p75_seconds,
    if(changes = 0, NULL, quantileExactInclusiveIf(0.9)(lead_seconds, lead_seconds >= 0)) AS p90_seconds,
    if(changes = 0, 0, countIf(link = 'inferred' AND lead_seconds >= 0) / changes) AS inferred_share
FROM changes
GROUP BY ROLLUP(owner)
ORDER BY team
