-- Change failure rate per team and for the organisation (team = '') over [from, to):
-- production deployments that finished in the period and caused a failure ÷ production deployments that
-- finished in the period. A deployment caused a failure when
--   * an incident names it (caused_by_deployment_id), or
--   * an incident without such a link started after it, it being the latest production deployment of the
--     incident's service that finished before the incident started, within {incident_window_hours:UInt32} hours, or
--   * a rollback or hotfix deployment names it (related_deployment_id).
-- A deployment counts once however many failures point at it, so the rate never exceeds 100%.
-- Also the deployment rework rate (DORA 2024): the share of those deployments that were unplanned fixes
-- (kind hotfix, rollback or revert).
WITH
    in_window AS
    (
        SELECT deployment_id, kind, team AS owner
        FROM production_deployments
        WHERE finished_at >= {from:DateTime64(3, 'UTC')} AND finished_at < {to:DateTime64(3, 'UTC')}
          AND ({team:String} = '' OR team = {team:String})
    ),
    failed AS
    (
        SELECT caused_by_deployment_id AS deployment_id FROM attributed_incidents WHERE caused_by_deployment_id != ''
        UNION DISTINCT
        SELECT pd.deployment_id AS deployment_id
        FROM (SELECT service, started_at FROM attributed_incidents WHERE caused_by_deployment_id = '') AS i
        ASOF INNER JOIN (SELECT deployment_id, service, finished_at FROM production_deployments) AS pd
            ON i.service = pd.service AND i.started_at > pd.finished_at
        WHERE dateDiff('second', pd.finished_at, i.started_at) <= {incident_window_hours:UInt32} * 3600
        UNION DISTINCT
        SELECT related_deployment_id AS deployment_id FROM deployments FINAL
        WHERE kind IN ('rollback', 'hotfix') AND related_deployment_id != ''
    )
SELECT
    if(grouping(owner) = 1, '', owner) AS team,
    count() AS deployments,
    countIf(deployment_id IN (SELECT deployment_id FROM failed)) AS failed_deployments,
    if(deployments = 0, NULL, failed_deployments / deployments) AS rate,
    countIf(kind IN ('hotfix', 'rollback', 'revert')) AS rework_deployments,
    if(deployments = 0, NULL, rework_deployments / deployments) AS rework_rate
FROM in_window
GROUP BY ROLLUP(owner)
ORDER BY team
