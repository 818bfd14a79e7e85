-- Why a production deployment counts as failed, one row per (deployment, piece of evidence); the view
-- deployment_failures applies the attribution window to the incident_window rows through gap_milliseconds.
-- Sources: production_deployments, attributed_incidents.
-- Scope: service
SELECT caused_by_deployment_id AS deployment_id, 'incident_link' AS reason, incident_id AS evidence_id, toInt64(0) AS gap_milliseconds, service
FROM attributed_incidents
WHERE caused_by_deployment_id != '' AND $in_services(service)
UNION ALL
-- The latest production deployment of the incident's service that finished before the incident started.
SELECT pd.deployment_id AS deployment_id, 'incident_window' AS reason, i.incident_id AS evidence_id,
       toUnixTimestamp64Milli(i.started_at) - toUnixTimestamp64Milli(pd.finished_at) AS gap_milliseconds, i.service AS service
FROM (SELECT incident_id, service, started_at FROM attributed_incidents WHERE caused_by_deployment_id = '' AND $in_services(service)) AS i
ASOF INNER JOIN (SELECT deployment_id, service, finished_at FROM production_deployments WHERE $in_services(service)) AS pd
    ON i.service = pd.service AND i.started_at > pd.finished_at
UNION ALL
-- Qualified names: in ClickHouse a SELECT alias shadows the column of the same name in later expressions.
SELECT fix.related_deployment_id AS deployment_id, fix.kind AS reason, fix.deployment_id AS evidence_id, toInt64(0) AS gap_milliseconds, fix.service AS service
FROM production_deployments AS fix
WHERE fix.kind IN ('rollback', 'hotfix') AND fix.related_deployment_id != '' AND $in_services(fix.service)
