-- Reviews of known pull requests, with the pull request's team (attributed_pull_requests: the repository's owner
-- when it was merged, or opened) and the reviewer's team when the review was submitted: the reviewer's GitHub login
-- (catalog_identities, kind github_login, compared lower-cased) → person → the membership covering that instant
-- (the most recently joined team if several do). reviewer_team is '' when the login or the membership is unknown.
-- Bots and authors' own reviews are still in: each query leaves them out with its bot list.
-- The view of migration 0006 computed this per query: the SPACE activity and collaboration figures repeated the
-- identity and membership joins over every review of the history (docs/benchmarks.md, "Every page and API").
-- Sources: pull_request_reviews, attributed_pull_requests, catalog_identities, catalog_team_membership.
-- Scope: repository
SELECT
    r.repository AS repository,
    r.number AS number,
    r.review_id AS review_id,
    r.reviewer_login AS reviewer_login,
    r.reviewer_is_bot AS reviewer_is_bot,
    r.state AS state,
    r.submitted_at AS submitted_at,
    p.author_login AS author_login,
    p.author_is_bot AS author_is_bot,
    p.merged_at AS merged_at,
    p.team AS pull_request_team,
    t.reviewer_team AS reviewer_team
FROM (SELECT * FROM pull_request_reviews FINAL WHERE $in_repositories(repository)) AS r
INNER JOIN (SELECT * FROM attributed_pull_requests WHERE $in_repositories(repository)) AS p ON p.repository = r.repository AND p.number = r.number
LEFT JOIN
(
    SELECT rv.repository AS repository, rv.number AS number, rv.review_id AS review_id, argMax(m.team, (m.valid_from, m.team)) AS reviewer_team
    FROM (SELECT repository, number, review_id, reviewer_login, submitted_at FROM pull_request_reviews FINAL WHERE $in_repositories(repository)) AS rv
    INNER JOIN (SELECT value, any(person_id) AS person_id FROM catalog_identities WHERE kind = 'github_login' GROUP BY value) AS i
        ON i.value = lowerUTF8(trimBoth(rv.reviewer_login))
    INNER JOIN catalog_team_membership AS m ON m.person_id = i.person_id
    WHERE m.valid_from <= rv.submitted_at AND (m.valid_to IS NULL OR rv.submitted_at < m.valid_to)
    GROUP BY rv.repository, rv.number, rv.review_id
) AS t ON t.repository = r.repository AND t.number = r.number AND t.review_id = r.review_id
