-- Attempts to deploy to production that did not succeed (status failure or error), with the team owning the
-- service when the attempt started: counted and shown beside deployment frequency, never counted as deployments.
-- Sources: deployments, catalog_production_environments, catalog_service_ownership.
WITH (SELECT groupArray((source, pattern)) FROM catalog_production_environments) AS production_rules
SELECT
    d.deployment_id AS deployment_id,
    d.service AS service,
    d.status AS status,
    d.started_at AS started_at,
    if(o.team = '' OR (o.valid_to IS NOT NULL AND d.started_at >= o.valid_to), 'unassigned', o.team) AS team
FROM (SELECT * FROM deployments FINAL WHERE status IN ('failure', 'error')) AS d
ASOF LEFT JOIN catalog_service_ownership AS o ON d.service = o.service AND d.started_at >= o.valid_from
WHERE arrayExists(rule -> (rule.1 = '' OR rule.1 = d.source) AND d.environment LIKE rule.2, production_rules)
