-- The incidents behind a team's recovery time over [from, to) (team '' = every team): those resolved in the
-- period and those still open at its end (with their age at the end), and the deployment each is blamed on;
-- {severities:Array(String)} as in dora/recovery_time.sql.
-- Paged: {limit:UInt32} rows from {offset:UInt32}; total_rows is how many rows there are in all (docs/dashboards.md, "Rows API").
-- {by:String} and {unit:String} ('' = all): only the rows of that one team, service or repository, each row's unit as the
-- figures' files have it (docs/metrics.md, "Breakdown by team, service or repository").
WITH
    -- Each catalog service's repository, for the breakdown by repository (docs/metrics.md, "Breakdown by team, service or repository").
    -- Empty unless the rows are repositories: the map is a constant of the whole query, and every expression that
    -- names it carries all of it (2,000 pairs at scale L: 5× a team's deployment frequency; docs/benchmarks.md).
    (SELECT mapFromArrays(groupArray(service), groupArray(repository)) FROM catalog_services WHERE repository != '' AND {by:String} = 'repository') AS service_repositories
SELECT
    i.incident_id AS incident_id,
    i.service AS service,
    i.team AS team,
    i.severity AS severity,
    i.title AS title,
    i.started_at AS started_at,
    i.resolved_at AS resolved_at,
    if(i.resolved_at IS NULL OR i.resolved_at >= {to:DateTime64(3, 'UTC')}, 'open', 'resolved') AS state,
    dateDiff('millisecond', i.started_at, if(state = 'open', {to:DateTime64(3, 'UTC')}, assumeNotNull(i.resolved_at))) / 1000.0 AS duration_seconds,
    if(i.caused_by_deployment_id != '', i.caused_by_deployment_id, ifNull(w.deployment_id, '')) AS blamed_deployment_id,
    i.url AS url,
    count() OVER () AS total_rows
FROM attributed_incidents AS i
LEFT JOIN
(
    SELECT evidence_id, any(deployment_id) AS deployment_id
    FROM deployment_failures(incident_window_ms = {incident_window_ms:UInt64})
    WHERE reason = 'incident_window'
    GROUP BY evidence_id
) AS w ON w.evidence_id = i.incident_id
WHERE ({team:String} = '' OR i.team = {team:String})
  AND ({unit:String} = '' OR multiIf({by:String} = 'service', i.service, {by:String} = 'repository', if(mapContains(service_repositories, i.service), service_repositories[i.service], 'unassigned'), i.team) = {unit:String})
  AND (empty({severities:Array(String)}) OR has({severities:Array(String)}, lower(i.severity)))
  AND i.started_at < {to:DateTime64(3, 'UTC')}
  AND ((i.resolved_at >= {from:DateTime64(3, 'UTC')} AND i.resolved_at < {to:DateTime64(3, 'UTC')}) OR i.resolved_at IS NULL OR i.resolved_at >= {to:DateTime64(3, 'UTC')})
ORDER BY i.started_at DESC, i.incident_id
LIMIT {limit:UInt32} OFFSET {offset:UInt32}
