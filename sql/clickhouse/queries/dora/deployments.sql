-- The production deployments behind a team's deployment frequency and change failure rate over [from, to)
-- (team '' = every team): each with the evidence that makes it a failure, if any, and how many changes it
-- shipped first. Newest first.
-- {failed_only:Bool}: only those that caused a failure (the rows behind the change failure rate's numerator).
-- Paged: {limit:UInt32} rows from {offset:UInt32}; total_rows is how many rows there are in all (docs/dashboards.md, "Rows API").
-- {by:String} and {unit:String} ('' = all): only the rows of that one team, service or repository, each row's unit as the
-- figures' files have it (docs/metrics.md, "Breakdown by team, service or repository").
WITH
    -- Each catalog service's repository, for the breakdown by repository (docs/metrics.md, "Breakdown by team, service or repository").
    -- Empty unless the rows are repositories: the map is a constant of the whole query, and every expression that
    -- names it carries all of it (2,000 pairs at scale L: 5× a team's deployment frequency; docs/benchmarks.md).
    (SELECT mapFromArrays(groupArray(service), groupArray(repository)) FROM catalog_services WHERE repository != '' AND {by:String} = 'repository') AS service_repositories,
    -- The deployments listed, before paging: the failure evidence is grouped for these alone, not for every deployment
    -- of the organisation (111,000 pieces of evidence at scale L, grouped for each page of 25 rows).
    listed AS
    (
        SELECT * FROM production_deployments
        WHERE finished_at >= {from:DateTime64(3, 'UTC')} AND finished_at < {to:DateTime64(3, 'UTC')}
          AND ({team:String} = '' OR team = {team:String})
          AND ({unit:String} = '' OR multiIf({by:String} = 'service', service, {by:String} = 'repository', if(mapContains(service_repositories, service), service_repositories[service], 'unassigned'), team) = {unit:String})
    )
SELECT
    d.deployment_id AS deployment_id,
    d.service AS service,
    d.team AS team,
    d.environment AS environment,
    d.kind AS kind,
    d.kind_evidence AS kind_evidence,
    d.related_deployment_id AS related_deployment_id,
    d.sha AS sha,
    d.started_at AS started_at,
    d.finished_at AS finished_at,
    d.url AS url,
    toBool(length(f.evidence) > 0) AS caused_failure,
    f.evidence AS failure_evidence,
    count() OVER () AS total_rows
FROM listed AS d
LEFT JOIN
(
    SELECT deployment_id, arraySort(groupUniqArray(concat(reason, ':', evidence_id))) AS evidence
    FROM deployment_failures(incident_window_ms = {incident_window_ms:UInt64})
    WHERE deployment_id IN (SELECT deployment_id FROM listed)
    GROUP BY deployment_id
) AS f ON f.deployment_id = d.deployment_id
WHERE NOT {failed_only:Bool} OR length(f.evidence) > 0
ORDER BY d.finished_at DESC, d.deployment_id
LIMIT {limit:UInt32} OFFSET {offset:UInt32}
