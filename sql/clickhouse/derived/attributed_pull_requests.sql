-- Pull requests with the team that owned the repository's service when the PR was merged (or opened, if it
-- was not merged). A repository serving several services is attributed to the first service by slug;
-- one with no service in the catalog, or no owner then, is 'unassigned'. With them, what PR cycle time needs
-- from other tables: the reviews that may count as pickup (not the author's, not flagged as a bot), oldest
-- first, and the first production shipment of the merge or squash commit.
-- Sources: pull_requests, pull_request_reviews, catalog_services, catalog_service_ownership, commit_shipments.
-- Scope: repository
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
    if(o.team = '' OR (o.valid_to IS NOT NULL AND p.attributed_at >= o.valid_to), 'unassigned', o.team) AS team,
    arraySort(r -> (r.2, r.1), ifNull(rv.reviews, [])) AS reviews,
    sh.deployed_at AS deployed_at
FROM
(
    SELECT pr.*, ifNull(pr.merged_at, pr.opened_at) AS attributed_at, s.service AS service
    FROM (SELECT * FROM pull_requests FINAL WHERE $in_repositories(repository)) AS pr
    LEFT JOIN (SELECT repository, min(service) AS service FROM catalog_services GROUP BY repository) AS s ON s.repository = pr.repository
) AS p
ASOF LEFT JOIN catalog_service_ownership AS o ON p.service = o.service AND p.attributed_at >= o.valid_from
LEFT JOIN
(
    SELECT r.repository AS repository, r.number AS number, groupArray((r.reviewer_login, r.submitted_at)) AS reviews
    FROM (SELECT repository, number, reviewer_login, reviewer_is_bot, submitted_at FROM pull_request_reviews FINAL WHERE $in_repositories(repository)) AS r
    INNER JOIN (SELECT repository, number, author_login FROM pull_requests FINAL WHERE $in_repositories(repository)) AS a ON a.repository = r.repository AND a.number = r.number
    WHERE r.reviewer_login != a.author_login AND NOT r.reviewer_is_bot
    GROUP BY r.repository, r.number
) AS rv ON rv.repository = p.repository AND rv.number = p.number
-- A commit of a monorepo may have a shipment per service (commit_shipments): the pull request shipped with the first.
LEFT JOIN (SELECT repository, sha, toNullable(min(deployed_at)) AS deployed_at FROM commit_shipments WHERE $in_repositories(repository) GROUP BY repository, sha) AS sh
    ON sh.repository = p.repository AND sh.sha = p.merge_sha
