-- Why a production deployment counts as failed: one row per (deployment, piece of evidence).
-- A parameterised view, so the change failure rate and the drill-down lists share one definition.
-- reason: incident_link   — an incident names the deployment (caused_by_deployment_id);
--         incident_window — an incident naming no deployment started after it, it being the latest production
--                           deployment of the incident's service that finished before the incident started,
--                           within {incident_window_hours:UInt32} hours;
--         rollback | hotfix — a successful production rollback or hotfix deployment names it (related_deployment_id).
CREATE VIEW IF NOT EXISTS deployment_failures AS
SELECT caused_by_deployment_id AS deployment_id, 'incident_link' AS reason, incident_id AS evidence_id
FROM attributed_incidents
WHERE caused_by_deployment_id != ''
UNION ALL
SELECT pd.deployment_id AS deployment_id, 'incident_window' AS reason, i.incident_id AS evidence_id
FROM (SELECT incident_id, service, started_at FROM attributed_incidents WHERE caused_by_deployment_id = '') AS i
ASOF INNER JOIN (SELECT deployment_id, service, finished_at FROM production_deployments) AS pd
    ON i.service = pd.service AND i.started_at > pd.finished_at
WHERE dateDiff('second', pd.finished_at, i.started_at) <= {incident_window_hours:UInt32} * 3600
UNION ALL
-- Qualified names: in ClickHouse a SELECT alias shadows the column of the same name in later expressions.
SELECT fix.related_deployment_id AS deployment_id, fix.kind AS reason, fix.deployment_id AS evidence_id
FROM production_deployments AS fix
WHERE fix.kind IN ('rollback', 'hotfix') AND fix.related_deployment_id != '';
