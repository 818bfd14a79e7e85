-- Work in progress at the end of [from, to) per team and for the organisation (team = ''): pull requests opened
-- before {to} and neither merged nor closed before it; bots (flagged, or a login in {bots:Array(String)}) left out.
-- The team is the owner, just before {to}, of the repository's service (the first by slug, as in
-- attributed_pull_requests); a repository without a service or an owner then is 'unassigned'.
SELECT if(grouping(owner) = 1, '', owner) AS team, count() AS open_pull_requests
FROM
(
    SELECT if(o.team = '' OR (o.valid_to IS NOT NULL AND p.end_at >= o.valid_to), 'unassigned', o.team) AS owner
    FROM
    (
        SELECT pr.repository AS repository, pr.number AS number, s.service AS service,
               {to:DateTime64(3, 'UTC')} - toIntervalMillisecond(1) AS end_at
        FROM
        (
            SELECT repository, number FROM pull_requests FINAL
            WHERE opened_at < {to:DateTime64(3, 'UTC')}
              AND (merged_at IS NULL OR merged_at >= {to:DateTime64(3, 'UTC')})
              AND (closed_at IS NULL OR closed_at >= {to:DateTime64(3, 'UTC')})
              AND NOT author_is_bot AND author_login NOT IN {bots:Array(String)}
        ) AS pr
        LEFT JOIN (SELECT repository, min(service) AS service FROM catalog_services GROUP BY repository) AS s ON s.repository = pr.repository
    ) AS p
    ASOF LEFT JOIN catalog_service_ownership AS o ON p.service = o.service AND p.end_at >= o.valid_from
)
GROUP BY ROLLUP(owner)
ORDER BY team
