-- The units the catalog knows for [from, to), by {by:String} ('team', 'service' or 'repository'; docs/metrics.md,
-- "Breakdown by team, service or repository"): every team owning a service at some moment of the period, every
-- service owned by a team then, or those services' repositories (catalog_services). A unit with nothing to show (no
-- deployment, only failed attempts, no incident) still gets its row, with zeros and n/a figures, instead of disappearing.
-- Parameters: from, to (DateTime64 UTC), team ('' = every team; else only what that team owned), by.
SELECT DISTINCT multiIf({by:String} = 'service', o.service, {by:String} = 'repository', r.repository, o.team) AS unit
FROM catalog_service_ownership AS o
LEFT JOIN (SELECT service, any(repository) AS repository FROM catalog_services GROUP BY service) AS r ON r.service = o.service
WHERE o.team != ''
  AND o.valid_from < {to:DateTime64(3, 'UTC')}
  AND (o.valid_to IS NULL OR o.valid_to > {from:DateTime64(3, 'UTC')})
  AND ({team:String} = '' OR o.team = {team:String})
  AND unit != ''
ORDER BY unit
