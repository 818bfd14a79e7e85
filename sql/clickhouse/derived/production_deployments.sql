-- Production deployments: status success, finished, to an environment a catalog rule calls production (a rule
-- with source '' applies to every source). team = the service's owner when the deployment finished; a service
-- without an owner at that time is 'unassigned', never dropped.
-- Sources: deployments, catalog_production_environments, catalog_service_ownership.
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
WHERE arrayExists(rule -> (rule.1 = '' OR rule.1 = d.source) AND d.environment LIKE rule.2, production_rules)
