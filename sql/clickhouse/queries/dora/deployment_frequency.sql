-- Deployment frequency per team and for the organisation (team = '') over [from, to).
-- Production deployments (view production_deployments), failed attempts beside them, and the median over
-- the window's whole ISO weeks (Monday 00:00 to the next Monday 00:00, in the organisation's time zone) of
-- deployment days per week; weeks without a deployment count as zero. Only whole weeks count: a week that starts
-- before from, ends after to, or has not ended yet (the current week) is partial and left out of the median.
-- No whole week: the median is NULL (no sample), never 0.
-- Parameters: from, to, now (DateTime64 UTC; now from the app's clock), team ('' = every team), tz (IANA time zone),
-- by ('team', 'service' or 'repository': what a row is; see teams.sql).
WITH
    -- Each catalog service's repository, for the breakdown by repository (docs/metrics.md, "Breakdown by team, service or repository").
    -- Empty unless the rows are repositories: the map is a constant of the whole query, and every expression that
    -- names it carries all of it (2,000 pairs at scale L: 5× a team's deployment frequency; docs/benchmarks.md).
    (SELECT mapFromArrays(groupArray(service), groupArray(repository)) FROM catalog_services WHERE repository != '' AND {by:String} = 'repository') AS service_repositories,
    toMonday(toTimeZone({from:DateTime64(3, 'UTC')}, {tz:String})) AS first_week,
    arrayFilter(
        week -> toDateTime(week, {tz:String}) >= {from:DateTime64(3, 'UTC')}
            AND toDateTime(week + 7, {tz:String}) <= least({to:DateTime64(3, 'UTC')}, {now:DateTime64(3, 'UTC')}),
        arrayMap(i -> first_week + 7 * i, range(toUInt32(dateDiff('day', first_week, toDate(toTimeZone({to:DateTime64(3, 'UTC')}, {tz:String}))) / 7) + 1))) AS weeks,
    in_window AS
    (
        SELECT multiIf({by:String} = 'service', service, {by:String} = 'repository', if(mapContains(service_repositories, service), service_repositories[service], 'unassigned'), team) AS owner, toDate(toTimeZone(finished_at, {tz:String})) AS day
        FROM production_deployments
        WHERE finished_at >= {from:DateTime64(3, 'UTC')} AND finished_at < {to:DateTime64(3, 'UTC')}
          AND ({team:String} = '' OR team = {team:String})
    ),
    days_per_week AS
    (
        -- team '' is the organisation: its deployment days are the distinct days any team deployed.
        SELECT if(grouping(owner) = 1, '', owner) AS team, toMonday(day) AS week, uniqExact(day) AS deployment_days
        FROM in_window
        GROUP BY GROUPING SETS ((owner, week), (week))
    ),
    -- Deployments and failed attempts together, so a team whose every attempt failed has its row too.
    totals AS
    (
        SELECT if(grouping(owner) = 1, '', owner) AS team, countIf(deployed) AS deployments, countIf(NOT deployed) AS failed_attempts
        FROM
        (
            SELECT owner, true AS deployed FROM in_window
            UNION ALL
            SELECT multiIf({by:String} = 'service', service, {by:String} = 'repository', if(mapContains(service_repositories, service), service_repositories[service], 'unassigned'), team) AS owner, false AS deployed FROM failed_production_attempts
            WHERE started_at >= {from:DateTime64(3, 'UTC')} AND started_at < {to:DateTime64(3, 'UTC')}
              AND ({team:String} = '' OR team = {team:String})
        )
        GROUP BY ROLLUP(owner)
    )
SELECT
    team,
    deployments,
    failed_attempts,
    deployments / greatest(dateDiff('millisecond', {from:DateTime64(3, 'UTC')}, {to:DateTime64(3, 'UTC')}) / 86400000.0, 1) AS deployments_per_day,
    -- every week of the window, zero-filled
    arrayMap(week -> arraySum(arrayMap(pair -> if(pair.1 = week, pair.2, 0), week_days)), weeks) AS days_by_week,
    if(length(weeks) = 0, NULL, arrayReduce('quantileExactInclusive(0.5)', days_by_week)) AS median_deployment_days_per_week
FROM
(
    SELECT t.team AS team, t.deployments AS deployments, t.failed_attempts AS failed_attempts,
           groupArray((w.week, toUInt64(w.deployment_days))) AS week_days
    FROM totals AS t
    LEFT JOIN days_per_week AS w ON w.team = t.team
    GROUP BY t.team, t.deployments, t.failed_attempts
)
ORDER BY team
