-- Pull requests with the team that owned the repository's service when the PR was merged (or opened, if it
-- was not merged). A repository serving several services is attributed to the first service by slug;
-- one with no service in the catalog, or no owner then, is 'unassigned'.
-- Sources: pull_requests, catalog_services, catalog_service_ownership.
SELECT
    p.repository AS repository,
    p.number AS number,
    p.title AS title,
    p.author_login AS author_login,
    p.author_is_bot AS author_is_bot,
    p.opened_at AS opened_at,
    p.first_commit_at AS first_commit_at,
    p.merged_at AS merged_at,
    p.closed_at AS closed_at,
    p.merge_sha AS merge_sha,
    p.url AS url,
    if(o.team = '' OR (o.valid_to IS NOT NULL AND p.attributed_at >= o.valid_to), 'unassigned', o.team) AS team
FROM
(
    SELECT pr.*, ifNull(pr.merged_at, pr.opened_at) AS attributed_at, s.service AS service
    FROM (SELECT * FROM pull_requests FINAL) AS pr
    LEFT JOIN (SELECT repository, min(service) AS service FROM catalog_services GROUP BY repository) AS s ON s.repository = pr.repository
) AS p
ASOF LEFT JOIN catalog_service_ownership AS o ON p.service = o.service AND p.attributed_at >= o.valid_from
