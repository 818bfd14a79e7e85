-- Failed deployment → restoring deployment, per team and for the organisation (team = '') over [from, to).
-- A failed deployment (evidence in deployment_failures) is restored by the earliest production deployment of the
-- same service that finished after it and has no failure evidence of its own: a rollback or hotfix that worked,
-- or the next good release. Restore time = that deployment's finish − the failed one's finish. The sample is the
-- failed deployments restored in the period; the team is the failed deployment's. A failed deployment not yet
-- restored has no restore time and is counted in `awaiting_restore` (failed before the period's end, not restored by
-- then) while its service still deploys: its last production deployment before the end finished less than
-- {awaiting_restore_limit_ms:UInt64} ms before the end. A retired or frozen service awaits nothing.
-- {by:String}: rows by team, service or repository (teams.sql); a failed deployment counts for its own.
WITH
    -- Each catalog service's repository, for the breakdown by repository (docs/metrics.md, "Breakdown by team, service or repository").
    -- Empty unless the rows are repositories: the map is a constant of the whole query, and every expression that
    -- names it carries all of it (2,000 pairs at scale L: 5× a team's deployment frequency; docs/benchmarks.md).
    (SELECT mapFromArrays(groupArray(service), groupArray(repository)) FROM catalog_services WHERE repository != '' AND {by:String} = 'repository') AS service_repositories,
    failed_ids AS
    (
        SELECT DISTINCT deployment_id FROM deployment_failures(incident_window_ms = {incident_window_ms:UInt64})
    ),
    -- Every production deployment of the services the team deployed (whoever owned them at the time), each with
    -- the finish of the next one, at least a millisecond later, that did not fail (the epoch if none did yet).
    sequence AS
    (
        SELECT
            deployment_id, team, service, finished_at, deployment_id IN failed_ids AS is_failed,
            maxIf(finished_at, finished_at < {to:DateTime64(3, 'UTC')}) OVER (PARTITION BY service) AS last_deployed_at,
            minIf(finished_at, NOT is_failed) OVER
                (PARTITION BY service ORDER BY toUnixTimestamp64Milli(finished_at) RANGE BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS next_good_at
        FROM production_deployments
        WHERE service IN
        (
            SELECT service FROM production_deployments
            WHERE finished_at < {to:DateTime64(3, 'UTC')} AND ({team:String} = '' OR team = {team:String})
        )
    ),
    restores AS
    (
        SELECT deployment_id, multiIf({by:String} = 'service', service, {by:String} = 'repository', if(mapContains(service_repositories, service), service_repositories[service], 'unassigned'), team) AS owner, finished_at AS failed_at, next_good_at AS restored_at, last_deployed_at
        FROM sequence
        WHERE is_failed AND finished_at < {to:DateTime64(3, 'UTC')} AND ({team:String} = '' OR team = {team:String})
    )
SELECT
    if(grouping(owner) = 1, '', owner) AS team,
    countIf(restored_in_period) AS restored,
    if(restored = 0, NULL, quantileExactInclusiveIf(0.5)(restore_seconds, restored_in_period)) AS median_seconds,
    countIf(NOT restored_by_end AND still_deploying) AS awaiting_restore
FROM
(
    SELECT
        owner,
        restored_at > failed_at AS restored_ever,
        restored_ever AND restored_at >= {from:DateTime64(3, 'UTC')} AND restored_at < {to:DateTime64(3, 'UTC')} AS restored_in_period,
        restored_ever AND restored_at < {to:DateTime64(3, 'UTC')} AS restored_by_end,
        last_deployed_at > {to:DateTime64(3, 'UTC')} - toIntervalMillisecond({awaiting_restore_limit_ms:UInt64}) AS still_deploying,
        dateDiff('millisecond', failed_at, restored_at) / 1000.0 AS restore_seconds
    FROM restores
)
GROUP BY ROLLUP(owner)
ORDER BY team
