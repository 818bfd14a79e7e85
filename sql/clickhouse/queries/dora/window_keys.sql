-- The DORA keys the golden path's ROI compares, per team, for many windows in one pass: window i is
-- [{window_from:Array(DateTime64(3, 'UTC'))}[i], {window_to:Array(DateTime64(3, 'UTC'))}[i]), and the rows name it by i (1-based).
-- Windows may overlap: an event counts in every window containing its time (the arrayJoin), so each (window, team)
-- row equals what the single-window queries give for that window:
--   deployments, failed_deployments, change_failure_rate — dora/change_failure_rate.sql (deployments by finish);
--   changes, lead_time_median_seconds — dora/lead_time.sql (commits by their first shipment's finish) or, with
--     {lead_time_unit:String} = 'pull-request', dora/lead_time_per_pull_request.sql (merged pull requests by their merge commit's);
--   resolved, recovery_median_seconds — dora/recovery_time.sql (incidents by resolution).
-- Teams with none of these in a window have no row for it. No organisation rollup: the ROI compares teams.
-- Parameters: window_from, window_to (same length), use_author_time (Bool), incident_window_ms (UInt64), lead_time_unit ('commit' or 'pull-request').
WITH
    {window_from:Array(DateTime64(3, 'UTC'))} AS window_from,
    {window_to:Array(DateTime64(3, 'UTC'))} AS window_to,
    deployments AS
    (
        SELECT window_index, owner AS team, count() AS deployments,
               countIf(deployment_id IN (
                   -- the evidence behind each failed deployment: view deployment_failures (migration 0008)
                   SELECT deployment_id FROM deployment_failures(incident_window_ms = {incident_window_ms:UInt64}))) AS failed_deployments
        FROM
        (
            SELECT deployment_id, team AS owner,
                   arrayJoin(arrayFilter(i -> finished_at >= window_from[i] AND finished_at < window_to[i], arrayEnumerate(window_from))) AS window_index
            FROM production_deployments
            WHERE finished_at >= arrayMin(window_from) AND finished_at < arrayMax(window_to)
        )
        GROUP BY window_index, team
    ),
    lead_times AS
    (
        -- commit_shipments holds each commit's first shipment overall, so for a window it is the first_shipments(to = …)
        -- of lead_time.sql once deployed_at < to, and deployed_at >= from completes the window.
        SELECT window_index, owner AS team, countIf(valid) AS changes,
               if(changes = 0, NULL, quantileExactInclusiveIf(0.5)(lead_seconds, valid)) AS lead_time_median_seconds
        FROM
        (
            SELECT owner, lead_seconds, valid,
                   arrayJoin(arrayFilter(i -> deployed_at >= window_from[i] AND deployed_at < window_to[i], arrayEnumerate(window_from))) AS window_index
            FROM
            (
                -- per commit
                SELECT owner, deployed_at,
                       dateDiff('millisecond', if({use_author_time:Bool}, authored_at, committed_at), deployed_at) / 1000.0 AS lead_seconds,
                       lead_seconds >= 0 AS valid
                FROM commit_shipments
                WHERE {lead_time_unit:String} = 'commit' AND deployed_at >= arrayMin(window_from) AND deployed_at < arrayMax(window_to)
                UNION ALL
                -- per pull request: derived table pull_request_shipments (migration 0023), as dora/lead_time_per_pull_request.sql
                SELECT owner, deployed_at, lead_seconds, valid
                FROM pull_request_shipments
                WHERE {lead_time_unit:String} = 'pull-request' AND deployed_at >= arrayMin(window_from) AND deployed_at < arrayMax(window_to)
            )
        )
        GROUP BY window_index, team
    ),
    recoveries AS
    (
        SELECT window_index, owner AS team, count() AS resolved,
               quantileExactInclusive(0.5)(dateDiff('millisecond', started_at, resolution) / 1000.0) AS recovery_median_seconds
        FROM
        (
            SELECT team AS owner, started_at, assumeNotNull(resolved_at) AS resolution,
                   arrayJoin(arrayFilter(i -> resolution >= window_from[i] AND resolution < window_to[i], arrayEnumerate(window_from))) AS window_index
            FROM attributed_incidents
            WHERE resolved_at >= arrayMin(window_from) AND resolved_at < arrayMax(window_to)
        )
        GROUP BY window_index, team
    )
-- One row per (window, team): each part contributes its own columns; max() keeps the one non-NULL value.
SELECT
    window_index,
    team,
    toInt64(sum(part_deployments)) AS deployments,
    toInt64(sum(part_failed)) AS failed_deployments,
    if(deployments = 0, NULL, failed_deployments / deployments) AS change_failure_rate,
    toInt64(sum(part_changes)) AS changes,
    max(part_lead) AS lead_time_median_seconds,
    toInt64(sum(part_resolved)) AS resolved,
    max(part_recovery) AS recovery_median_seconds
FROM
(
    SELECT window_index, toString(team) AS team, deployments AS part_deployments, failed_deployments AS part_failed,
           0 AS part_changes, CAST(NULL, 'Nullable(Float64)') AS part_lead, 0 AS part_resolved, CAST(NULL, 'Nullable(Float64)') AS part_recovery
    FROM deployments
    UNION ALL
    SELECT window_index, toString(team), 0, 0, changes, lead_time_median_seconds, 0, NULL FROM lead_times
    UNION ALL
    SELECT window_index, toString(team), 0, 0, 0, NULL, resolved, recovery_median_seconds FROM recoveries
)
GROUP BY window_index, team
ORDER BY window_index, team
