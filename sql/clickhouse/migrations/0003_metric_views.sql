-- Shared definitions every metric query builds on, so each concept is written once.

-- A production deployment: status success, finished, to an environment a catalog rule calls production
-- (a rule with source '' applies to every source). team = the service's owner when the deployment finished;
-- a service without an owner at that time is 'unassigned', never dropped.
CREATE VIEW IF NOT EXISTS production_deployments AS
WITH (SELECT groupArray((source, pattern)) FROM catalog_production_environments) AS production_rules
SELECT
    d.deployment_id AS deployment_id,
    d.service AS service,
    d.environment AS environment,
    d.kind AS kind,
    d.related_deployment_id AS related_deployment_id,
    d.repository AS repository,
    d.sha AS sha,
    d.started_at AS started_at,
    d.finished AS finished_at,
    d.url AS url,
    d.source AS source,
    if(o.team = '' OR (o.valid_to IS NOT NULL AND d.finished >= o.valid_to), 'unassigned', o.team) AS team
FROM
(
    SELECT *, assumeNotNull(finished_at) AS finished
    FROM deployments FINAL
    WHERE status = 'success' AND finished_at IS NOT NULL
) AS d
ASOF LEFT JOIN catalog_service_ownership AS o ON d.service = o.service AND d.finished >= o.valid_from
WHERE arrayExists(rule -> (rule.1 = '' OR rule.1 = d.source) AND d.environment LIKE rule.2, production_rules);

-- Attempts to deploy to production that did not succeed: counted and shown beside deployment frequency.
CREATE VIEW IF NOT EXISTS failed_production_attempts AS
WITH (SELECT groupArray((source, pattern)) FROM catalog_production_environments) AS production_rules
SELECT
    d.deployment_id AS deployment_id,
    d.service AS service,
    d.status AS status,
    d.started_at AS started_at,
    if(o.team = '' OR (o.valid_to IS NOT NULL AND d.started_at >= o.valid_to), 'unassigned', o.team) AS team
FROM (SELECT * FROM deployments FINAL WHERE status IN ('failure', 'error')) AS d
ASOF LEFT JOIN catalog_service_ownership AS o ON d.service = o.service AND d.started_at >= o.valid_from
WHERE arrayExists(rule -> (rule.1 = '' OR rule.1 = d.source) AND d.environment LIKE rule.2, production_rules);

-- Incidents with the team that owned the service when the incident started.
CREATE VIEW IF NOT EXISTS attributed_incidents AS
SELECT
    i.incident_id AS incident_id,
    i.service AS service,
    i.severity AS severity,
    i.title AS title,
    i.started_at AS started_at,
    i.resolved_at AS resolved_at,
    i.caused_by_deployment_id AS caused_by_deployment_id,
    i.url AS url,
    if(o.team = '' OR (o.valid_to IS NOT NULL AND i.started_at >= o.valid_to), 'unassigned', o.team) AS team
FROM (SELECT * FROM incidents FINAL) AS i
ASOF LEFT JOIN catalog_service_ownership AS o ON i.service = o.service AND i.started_at >= o.valid_from;
