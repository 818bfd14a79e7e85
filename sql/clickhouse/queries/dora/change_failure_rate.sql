-- Change failure rate per team and for the organisation (team = '') over [from, to):
-- production deployments that finished in the period and caused a failure ÷ production deployments that
-- finished in the period. A deployment caused a failure when the view deployment_failures holds evidence
-- for it: an incident naming it, an unlinked incident within the attribution window, a rollback or a hotfix.
-- A deployment counts once however many failures point at it, so the rate never exceeds 100%.
-- Also the deployment rework rate (DORA 2024): of those deployments whose kind is known (production_deployments:
-- stated by the source or shown by the data), the share that were unplanned fixes (kind hotfix, rollback or
-- revert); NULL when no deployment's kind is known. Kind 'unknown' is counted beside it, never as normal.
-- {by:String}: the rows are teams ('team'), services ('service') or repositories ('repository'); see teams.sql.
WITH
    -- Each catalog service's repository, for the breakdown by repository (docs/metrics.md, "Breakdown by team, service or repository").
    -- Empty unless the rows are repositories: the map is a constant of the whole query, and every expression that
    -- names it carries all of it (2,000 pairs at scale L: 5× a team's deployment frequency; docs/benchmarks.md).
    (SELECT mapFromArrays(groupArray(service), groupArray(repository)) FROM catalog_services WHERE repository != '' AND {by:String} = 'repository') AS service_repositories,
    in_window AS
    (
        SELECT deployment_id, kind, multiIf({by:String} = 'service', service, {by:String} = 'repository', if(mapContains(service_repositories, service), service_repositories[service], 'unassigned'), team) AS owner
        FROM production_deployments
        WHERE finished_at >= {from:DateTime64(3, 'UTC')} AND finished_at < {to:DateTime64(3, 'UTC')}
          AND ({team:String} = '' OR team = {team:String})
    ),
    failed AS
    (
        -- the evidence behind each failed deployment: view deployment_failures (migration 0008)
        SELECT DISTINCT deployment_id FROM deployment_failures(incident_window_ms = {incident_window_ms:UInt64})
    )
SELECT
    if(grouping(owner) = 1, '', owner) AS team,
    count() AS deployments,
    countIf(deployment_id IN (SELECT deployment_id FROM failed)) AS failed_deployments,
    if(deployments = 0, NULL, failed_deployments / deployments) AS rate,
    countIf(kind IN ('hotfix', 'rollback', 'revert')) AS rework_deployments,
    countIf(kind = 'unknown') AS unknown_kind,
    if(deployments = unknown_kind, NULL, rework_deployments / (deployments - unknown_kind)) AS rework_rate
FROM in_window
GROUP BY ROLLUP(owner)
ORDER BY team
