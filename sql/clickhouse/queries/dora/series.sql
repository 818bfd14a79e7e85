-- DORA figures per period bucket and team (team '' = the organisation) over [from, to): every bucket of the
-- window is present for every team with activity in it, empty ones zero-filled (medians NULL: no sample).
-- {granularity:String}: 'day', 'week' (ISO, Monday start) or 'month', cut in the organisation's time zone {tz:String}.
-- Each event falls in the bucket of the time its definition uses: deployments and changes by deployment finish,
-- incidents by resolution. Definitions as in deployment_frequency, lead_time, change_failure_rate, recovery_time.
-- {lead_time_unit:String}: what a lead-time sample is, 'commit' (dora/lead_time.sql) or 'pull-request'
-- (dora/lead_time_per_pull_request.sql), as the figures take it (docs/metrics.md, "Series").
-- {by:String}: the rows are teams, services or repositories, each event's row as in the figures' files (docs/metrics.md,
-- "Breakdown by team, service or repository"); {unit:String} ('' = all) keeps only the events of that one row.
-- {team:String} ('' = every team) keeps only what that team owned, whatever the rows are.
-- {organisation_only:Bool}: only the organisation's rows (team ''), for pages that draw nothing else: every event is
-- then one owner's, so the per-row groups are one per bucket and are dropped (0–30 % of the file's time at scale L: docs/benchmarks.md).
WITH
    toDate(toTimeZone({from:DateTime64(3, 'UTC')}, {tz:String})) AS first_day,
    toDate(toTimeZone({to:DateTime64(3, 'UTC')} - toIntervalMillisecond(1), {tz:String})) AS last_day,
    multiIf({granularity:String} = 'day', first_day, {granularity:String} = 'week', toMonday(first_day), toStartOfMonth(first_day)) AS first_bucket,
    multiIf({granularity:String} = 'day', dateDiff('day', first_bucket, last_day),
            {granularity:String} = 'week', intDiv(dateDiff('day', first_bucket, last_day), 7),
            dateDiff('month', first_bucket, last_day)) + 1 AS bucket_count,
    arrayMap(i -> multiIf({granularity:String} = 'day', first_bucket + i, {granularity:String} = 'week', first_bucket + 7 * i, addMonths(first_bucket, i)),
             range(toUInt32(bucket_count))) AS buckets,
    -- Each catalog service's repository, for the breakdown by repository.
    -- Empty unless the rows are repositories: the map is a constant of the whole query, and every expression that
    -- names it carries all of it (2,000 pairs at scale L: 5× a team's deployment frequency; docs/benchmarks.md).
    (SELECT mapFromArrays(groupArray(service), groupArray(repository)) FROM catalog_services WHERE repository != '' AND {by:String} = 'repository') AS service_repositories,
    deployments_in_window AS
    (
        SELECT deployment_id, if({organisation_only:Bool}, '', multiIf({by:String} = 'service', service, {by:String} = 'repository', if(mapContains(service_repositories, service), service_repositories[service], 'unassigned'), team)) AS owner, finished_at
        FROM production_deployments
        WHERE finished_at >= {from:DateTime64(3, 'UTC')} AND finished_at < {to:DateTime64(3, 'UTC')}
          AND ({team:String} = '' OR team = {team:String})
          AND ({unit:String} = '' OR owner = {unit:String})
    ),
    deployment_counts AS
    (
        SELECT
            multiIf({granularity:String} = 'day', toDate(toTimeZone(finished_at, {tz:String})),
                    {granularity:String} = 'week', toMonday(toTimeZone(finished_at, {tz:String})),
                    toStartOfMonth(toTimeZone(finished_at, {tz:String}))) AS bucket,
            if(grouping(owner) = 1, '', owner) AS team,
            count() AS deployments,
            countIf(deployment_id IN (SELECT deployment_id FROM deployment_failures(incident_window_ms = {incident_window_ms:UInt64}))) AS failed_deployments
        FROM deployments_in_window
        GROUP BY GROUPING SETS ((bucket, owner), (bucket))
        HAVING grouping(owner) = 1 OR NOT {organisation_only:Bool}
    ),
    first_shipment AS
    (
        -- view first_shipments (migration 0008)
        SELECT * FROM first_shipments(to = {to:DateTime64(3, 'UTC')})
    ),
    lead_samples AS
    (
        -- each branch keeps only the team's samples itself (also filtered below), so its read goes through the sort key
        -- per commit (dora/lead_time.sql): each commit whose first shipment finished in the window
        SELECT f.owner AS team_owner, f.deployment_id AS deployment_id, f.repository AS repository, f.deployed_at AS deployed_at,
               dateDiff('millisecond', if({use_author_time:Bool}, f.authored_at, f.committed_at), f.deployed_at) / 1000.0 AS lead_seconds,
               lead_seconds >= 0 AS valid
        FROM first_shipment AS f
        WHERE {lead_time_unit:String} = 'commit' AND f.deployed_at >= {from:DateTime64(3, 'UTC')}
          AND ({team:String} = '' OR f.owner = {team:String})
        UNION ALL
        -- per pull request (dora/lead_time_per_pull_request.sql): derived table pull_request_shipments (migration 0023)
        SELECT owner, deployment_id, repository, deployed_at, lead_seconds, valid
        FROM pull_request_shipments
        WHERE {lead_time_unit:String} = 'pull-request' AND deployed_at >= {from:DateTime64(3, 'UTC')} AND deployed_at < {to:DateTime64(3, 'UTC')}
          AND ({team:String} = '' OR owner = {team:String})
    ),
    lead_times AS
    (
        SELECT
            multiIf({granularity:String} = 'day', toDate(toTimeZone(l.deployed_at, {tz:String})),
                    {granularity:String} = 'week', toMonday(toTimeZone(l.deployed_at, {tz:String})),
                    toStartOfMonth(toTimeZone(l.deployed_at, {tz:String}))) AS bucket,
            if(grouping(l.owner) = 1, '', l.owner) AS team,
            countIf(l.valid) AS changes,
            if(changes = 0, NULL, quantileExactInclusiveIf(0.5)(l.lead_seconds, l.valid)) AS lead_time_median_seconds
        FROM
        (
            SELECT if({organisation_only:Bool}, '', multiIf({by:String} = 'service', d.service, {by:String} = 'repository', s.repository, s.team_owner)) AS owner,
                   s.deployed_at AS deployed_at, s.lead_seconds AS lead_seconds, s.valid AS valid
            FROM lead_samples AS s
            -- the shipping deployment's service, read only when the rows are services
            LEFT JOIN (SELECT deployment_id, service FROM production_deployments WHERE {by:String} = 'service') AS d ON d.deployment_id = s.deployment_id
            WHERE ({team:String} = '' OR s.team_owner = {team:String})
              AND ({unit:String} = '' OR owner = {unit:String})
        ) AS l
        GROUP BY GROUPING SETS ((bucket, l.owner), (bucket))
        HAVING grouping(l.owner) = 1 OR NOT {organisation_only:Bool}
    ),
    recoveries AS
    (
        SELECT
            multiIf({granularity:String} = 'day', toDate(toTimeZone(resolved, {tz:String})),
                    {granularity:String} = 'week', toMonday(toTimeZone(resolved, {tz:String})),
                    toStartOfMonth(toTimeZone(resolved, {tz:String}))) AS bucket,
            if(grouping(owner) = 1, '', owner) AS team,
            count() AS incidents_resolved,
            quantileExactInclusive(0.5)(dateDiff('millisecond', started_at, resolved) / 1000.0) AS recovery_median_seconds
        FROM
        (
            SELECT if({organisation_only:Bool}, '', multiIf({by:String} = 'service', service, {by:String} = 'repository', if(mapContains(service_repositories, service), service_repositories[service], 'unassigned'), team)) AS owner,
                   started_at, assumeNotNull(resolved_at) AS resolved
            FROM attributed_incidents
            WHERE resolved_at >= {from:DateTime64(3, 'UTC')} AND resolved_at < {to:DateTime64(3, 'UTC')}
              AND ({team:String} = '' OR team = {team:String})
              AND ({unit:String} = '' OR owner = {unit:String})
        )
        GROUP BY GROUPING SETS ((bucket, owner), (bucket))
        HAVING grouping(owner) = 1 OR NOT {organisation_only:Bool}
    ),
    -- Each part once (a CTE named twice is computed twice): the three parts side by side, plus an empty organisation
    -- row, so the organisation has every bucket even with no activity at all.
    parts AS
    (
        SELECT bucket, team, deployments, failed_deployments, 0 AS changes, CAST(NULL, 'Nullable(Float64)') AS lead_time_median_seconds,
               0 AS incidents_resolved, CAST(NULL, 'Nullable(Float64)') AS recovery_median_seconds
        FROM deployment_counts
        UNION ALL
        SELECT bucket, team, 0, 0, changes, lead_time_median_seconds, 0, NULL FROM lead_times
        UNION ALL
        SELECT bucket, team, 0, 0, 0, NULL, incidents_resolved, recovery_median_seconds FROM recoveries
        UNION ALL
        SELECT first_bucket, '', 0, 0, 0, NULL, 0, NULL
    ),
    -- Per team, its buckets with activity and their figures (one row per (bucket, team) per part: sum and max keep it).
    per_team AS
    (
        SELECT team, groupArray(bucket) AS active, groupArray(figures) AS values
        FROM
        (
            SELECT bucket, toString(team) AS team,
                   (sum(deployments), sum(failed_deployments), sum(changes), max(lead_time_median_seconds), sum(incidents_resolved), max(recovery_median_seconds)) AS figures
            FROM parts
            GROUP BY bucket, team
        )
        GROUP BY team
    )
-- Every bucket of the window for every team, zero-filled where the team had no activity.
SELECT bucket, team, deployments, failed_deployments, changes, lead_time_median_seconds, incidents_resolved, recovery_median_seconds
FROM
(
    SELECT
        bucket,
        team,
        indexOf(active, bucket) AS i,
        toUInt64(if(i = 0, 0, values[i].1)) AS deployments,
        toUInt64(if(i = 0, 0, values[i].2)) AS failed_deployments,
        toUInt64(if(i = 0, 0, values[i].3)) AS changes,
        if(i = 0, NULL, values[i].4) AS lead_time_median_seconds,
        toUInt64(if(i = 0, 0, values[i].5)) AS incidents_resolved,
        if(i = 0, NULL, values[i].6) AS recovery_median_seconds
    FROM per_team
    ARRAY JOIN buckets AS bucket
)
ORDER BY team, bucket
