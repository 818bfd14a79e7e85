-- Attempts to deploy to production that did not succeed (status failure or error), with the team owning the
-- service when the attempt started: counted and shown beside deployment frequency, never counted as deployments.
-- Sources: deployments, deployment_environments, catalog_production_environments, catalog_service_ownership.
-- Scope: service
SELECT
    d.deployment_id AS deployment_id,
    d.service AS service,
    d.status AS status,
    d.started_at AS started_at,
    if(o.team = '' OR (o.valid_to IS NOT NULL AND d.started_at >= o.valid_to), 'unassigned', o.team) AS team
FROM (SELECT * FROM deployments FINAL WHERE status IN ('failure', 'error') AND $in_services(service)) AS d
ASOF LEFT JOIN catalog_service_ownership AS o ON d.service = o.service AND d.started_at >= o.valid_from
-- environment_classification (migrations 0012, 0024; over deployment_environments) is the one definition of which environments are production.
WHERE (d.source, d.environment) IN (SELECT source, environment FROM environment_classification WHERE is_production)
