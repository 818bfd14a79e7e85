-- Failed deployment → restoring deployment, per team and for the organisation (team = '') over [from, to).
-- A failed deployment (evidence in deployment_failures) is restored by the earliest production deployment of the
-- same service that finished after it and has no failure evidence of its own: a rollback or hotfix that worked,
-- or the next good release. Restore time = that deployment's finish − the failed one's finish. The sample is the
-- failed deployments restored in the period; the team is the failed deployment's. A failed deployment not yet
-- restored has no restore time and is counted in `awaiting_restore` (failed before the period's end, not restored by then).
WITH
    failed_ids AS
    (
        SELECT DISTINCT deployment_id FROM deployment_failures(incident_window_hours = {incident_window_hours:UInt32})
    ),
    failed AS
    (
        SELECT deployment_id, service, team, finished_at FROM production_deployments
        WHERE deployment_id IN (SELECT deployment_id FROM failed_ids) AND finished_at < {to:DateTime64(3, 'UTC')}
          AND ({team:String} = '' OR team = {team:String})
    ),
    restores AS
    (
        SELECT f.deployment_id AS deployment_id, f.team AS owner, f.finished_at AS failed_at, g.finished_at AS restored_at
        FROM failed AS f
        ASOF LEFT JOIN
        (
            SELECT service, finished_at FROM production_deployments
            WHERE service IN (SELECT service FROM failed) AND deployment_id NOT IN (SELECT deployment_id FROM failed_ids)
        ) AS g ON f.service = g.service AND g.finished_at > f.finished_at
    )
SELECT
    if(grouping(owner) = 1, '', owner) AS team,
    countIf(restored_in_period) AS restored,
    if(restored = 0, NULL, quantileExactInclusiveIf(0.5)(restore_seconds, restored_in_period)) AS median_seconds,
    countIf(NOT restored_by_end) AS awaiting_restore
FROM
(
    SELECT
        owner,
        -- ASOF LEFT JOIN leaves the default (epoch) when no good deployment followed.
        restored_at > failed_at AS restored_ever,
        restored_ever AND restored_at >= {from:DateTime64(3, 'UTC')} AND restored_at < {to:DateTime64(3, 'UTC')} AS restored_in_period,
        restored_ever AND restored_at < {to:DateTime64(3, 'UTC')} AS restored_by_end,
        dateDiff('millisecond', failed_at, restored_at) / 1000.0 AS restore_seconds
    FROM restores
)
GROUP BY ROLLUP(owner)
ORDER BY team
