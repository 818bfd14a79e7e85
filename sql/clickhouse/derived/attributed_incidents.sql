-- Incidents with the team that owned the service when the incident started ('unassigned' if nobody did).
-- Sources: incidents, catalog_service_ownership.
-- Scope: service
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
FROM (SELECT * FROM incidents FINAL WHERE $in_services(service)) AS i
ASOF LEFT JOIN catalog_service_ownership AS o ON i.service = o.service AND i.started_at >= o.valid_from
