-- Failed deployment → restoring deployment, per team and for the organisation (team = '') over [from, to).
-- A failed deployment (evidence in deployment_failures) is restored by the earliest production deployment of the
-- same service that finished after it and has no failure evidence of its own: a rollback or hotfix that worked,
-- or the next good release. Restore time = that deployment's finish − the failed one's finish. The sample is the
-- failed deployments restored in the period; the team is the failed deployment's. A failed deployment not yet
-- restored has no restore time and is counted in `awaiting_restore` (failed before the period's end, not restored by
-- then) while its service still deploys: its last production deployment before the end finished less than
-- {awaiting_restore_limit_ms:UInt64} ms before the end. A retired or frozen service awaits nothing.
-- {by:String}: rows by team, service or repository (teams.sql); a failed deployment counts for its own.
-- Every failed deployment before the end gives its row (zeros when it neither was restored in the period nor awaits).
-- Only the period can hold a restore that counts, so per service one pass keeps: `floor`, its last good deployment
-- before the period (a failed deployment before it was restored by it or earlier: restored, not in the period);
-- the failed deployments and the good ones in [from, to), in finish order; and its last deployment before the end.
-- A failed deployment from `floor` on has no good deployment between it and `from`, so its restore is the next
-- good one of that list. This replaced window functions over every deployment of the services, ever (docs/benchmarks.md).
WITH
    -- Each catalog service's repository, for the breakdown by repository (docs/metrics.md, "Breakdown by team, service or repository").
    -- Empty unless the rows are repositories: the map is a constant of the whole query, and every expression that
    -- names it carries all of it (2,000 pairs at scale L: 5× a team's deployment frequency; docs/benchmarks.md), so
    -- it is read once per service, before the failed deployments are unrolled.
    (SELECT mapFromArrays(groupArray(service), groupArray(repository)) FROM catalog_services WHERE repository != '' AND {by:String} = 'repository') AS service_repositories,
    -- The production deployments before the end of the services the team deployed (whoever owned them at the time).
    per_service AS
    (
        SELECT
            service,
            multiIf({by:String} = 'service', service, {by:String} = 'repository', if(mapContains(service_repositories, service), service_repositories[service], 'unassigned'), '') AS unit,
            maxIf(finished_at, NOT is_failed AND finished_at < {from:DateTime64(3, 'UTC')}) AS floor,
            max(finished_at) AS last_deployed_at,
            -- (finish, failed, team): at the same millisecond a good deployment sorts first, so it restores none of them.
            arraySort(groupArrayIf((finished_at, is_failed, team),
                (is_failed AND ({team:String} = '' OR team = {team:String})) OR (NOT is_failed AND finished_at >= {from:DateTime64(3, 'UTC')}))) AS events,
            -- each failed one replaced by the next good one after it (itself, or a later failed one, when none)
            arrayReverseFill(event -> NOT event.2, events) AS next_good
        FROM
        (
            SELECT service, team, finished_at,
                   deployment_id IN (SELECT deployment_id FROM deployment_failures(incident_window_ms = {incident_window_ms:UInt64})) AS is_failed
            FROM production_deployments
            WHERE finished_at < {to:DateTime64(3, 'UTC')}
              AND ({team:String} = '' OR service IN
                  (SELECT service FROM production_deployments WHERE finished_at < {to:DateTime64(3, 'UTC')} AND team = {team:String}))
        )
        GROUP BY service
    ),
    restores AS
    (
        SELECT
            if({by:String} IN ('service', 'repository'), unit, event.3) AS owner,
            event.1 AS failed_at,
            -- restored_at after the end, or none (the epoch), count the same: not restored by the end
            multiIf(failed_at < floor, floor, NOT next.2, next.1, toDateTime64(0, 3, 'UTC')) AS restored_at,
            last_deployed_at
        FROM per_service
        ARRAY JOIN events AS event, next_good AS next
        WHERE event.2
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
