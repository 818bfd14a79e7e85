-- Time to restore service (DORA 2021's fourth key) per team and for the organisation (team = '') over [from, to):
-- median over incidents resolved in the period of (resolved − started); the team owned the incident's
-- service when it started. Incidents open at the end of the period are counted (and listed by
-- dora/incidents), never dropped. {severities:Array(String)}: only incidents of these severities (compared
-- case-insensitively, lower-cased by the caller); empty = every severity. {by:String}: rows by team, service or repository (teams.sql).
WITH
    -- Each catalog service's repository, for the breakdown by repository (docs/metrics.md, "Breakdown by team, service or repository").
    -- Empty unless the rows are repositories: the map is a constant of the whole query, and every expression that
    -- names it carries all of it (2,000 pairs at scale L: 5× a team's deployment frequency; docs/benchmarks.md).
    (SELECT mapFromArrays(groupArray(service), groupArray(repository)) FROM catalog_services WHERE repository != '' AND {by:String} = 'repository') AS service_repositories
SELECT
    if(grouping(owner) = 1, '', owner) AS team,
    countIf(resolved_in_period) AS resolved,
    if(resolved = 0, NULL, quantileExactInclusiveIf(0.5)(recovery_seconds, resolved_in_period)) AS median_seconds,
    countIf(open_at_end) AS open
FROM
(
    SELECT
        multiIf({by:String} = 'service', service, {by:String} = 'repository', if(mapContains(service_repositories, service), service_repositories[service], 'unassigned'), team) AS owner,
        resolved_at IS NOT NULL AND resolved_at >= {from:DateTime64(3, 'UTC')} AND resolved_at < {to:DateTime64(3, 'UTC')} AS resolved_in_period,
        started_at < {to:DateTime64(3, 'UTC')} AND (resolved_at IS NULL OR resolved_at >= {to:DateTime64(3, 'UTC')}) AS open_at_end,
        dateDiff('millisecond', started_at, assumeNotNull(resolved_at)) / 1000.0 AS recovery_seconds
    FROM attributed_incidents
    WHERE ({team:String} = '' OR team = {team:String})
      AND (empty({severities:Array(String)}) OR has({severities:Array(String)}, lower(severity)))
)
GROUP BY ROLLUP(owner)
ORDER BY team
