-- Production deployments: status success, finished, to an environment the catalog rules call production (view
-- environment_classification; a rule with source '' applies to every source). team = the service's owner when the
-- deployment finished; a service without an owner at that time is 'unassigned', never dropped.
-- Sources: deployments, catalog_production_environments, catalog_service_ownership.
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
-- environment_classification (migration 0012) is the one definition of which environments are production.
WHERE (d.source, d.environment) IN (SELECT source, environment FROM environment_classification WHERE is_production)
