-- Activity per team and for the organisation (team = '') over [from, to):
--   deployments           production deployments that finished in the period (team: the service's owner then)
--   merged_pull_requests  pull requests merged in the period, bots left out (team: attributed_pull_requests)
--   reviews               reviews submitted in the period by people (bots and the author's own reviews left out);
--                         team: the reviewer's team at the time (attributed_reviews), 'unassigned' when unknown
--   service_requests      service requests made in the period, fulfilled or not (team: the requesting team)
-- Bots: flagged by the source, or a login in {bots:Array(String)}. Per-engineer figures divide by headcount.sql.
WITH events AS
(
    SELECT team AS owner, 'deployment' AS kind
    FROM production_deployments
    WHERE finished_at >= {from:DateTime64(3, 'UTC')} AND finished_at < {to:DateTime64(3, 'UTC')}
    UNION ALL
    SELECT team AS owner, 'merged_pull_request' AS kind
    FROM attributed_pull_requests
    WHERE merged_at >= {from:DateTime64(3, 'UTC')} AND merged_at < {to:DateTime64(3, 'UTC')}
      AND NOT author_is_bot AND author_login NOT IN {bots:Array(String)}
    UNION ALL
    SELECT if(reviewer_team = '', 'unassigned', reviewer_team) AS owner, 'review' AS kind
    FROM attributed_reviews
    WHERE submitted_at >= {from:DateTime64(3, 'UTC')} AND submitted_at < {to:DateTime64(3, 'UTC')}
      AND NOT reviewer_is_bot AND reviewer_login NOT IN {bots:Array(String)} AND reviewer_login != author_login
    UNION ALL
    SELECT if(team = '', 'unassigned', team) AS owner, 'service_request' AS kind
    FROM service_requests FINAL
    WHERE requested_at >= {from:DateTime64(3, 'UTC')} AND requested_at < {to:DateTime64(3, 'UTC')}
)
SELECT
    if(grouping(owner) = 1, '', owner) AS team,
    countIf(kind = 'deployment') AS deployments,
    countIf(kind = 'merged_pull_request') AS merged_pull_requests,
    countIf(kind = 'review') AS reviews,
    countIf(kind = 'service_request') AS service_requests
FROM events
GROUP BY ROLLUP(owner)
ORDER BY team
