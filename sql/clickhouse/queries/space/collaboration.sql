-- Collaboration per team and for the organisation (team = '') over [from, to); bots (flagged, or a login in
-- {bots:Array(String)}) and authors' own reviews never count.
--   reviews_given / cross_team_reviews: reviews submitted in the period whose reviewer's team at the time is known
--     (attributed_reviews), by the reviewer's team; cross-team = that team ≠ the pull request's team.
--     unknown_reviewer_team counts the reviews left out because the reviewer's team is unknown.
--   pull_requests / distinct_reviewers: pull requests merged in the period, by the PR's team, and the mean number
--     of distinct people who reviewed each (0 for a PR nobody reviewed).
-- Review pickup time comes from pr/cycle_time.sql.
WITH
    given AS
    (
        SELECT
            if(grouping(owner) = 1, '', owner) AS team,
            countIf(known) AS reviews_given,
            countIf(known AND cross_team) AS cross_team_reviews,
            countIf(NOT known) AS unknown_reviewer_team
        FROM
        (
            SELECT
                if(reviewer_team = '', 'unassigned', reviewer_team) AS owner,
                reviewer_team != '' AS known,
                reviewer_team != pull_request_team AS cross_team
            FROM attributed_reviews
            WHERE submitted_at >= {from:DateTime64(3, 'UTC')} AND submitted_at < {to:DateTime64(3, 'UTC')}
              AND NOT reviewer_is_bot AND reviewer_login NOT IN {bots:Array(String)} AND reviewer_login != author_login
        )
        GROUP BY ROLLUP(owner)
    ),
    reviewed AS
    (
        SELECT
            if(grouping(owner) = 1, '', owner) AS team,
            count() AS pull_requests,
            avg(reviewers) AS distinct_reviewers
        FROM
        (
            SELECT p.team AS owner, uniqExactIf(r.reviewer_login, r.reviewer_login != '') AS reviewers
            FROM
            (
                SELECT repository, number, team
                FROM attributed_pull_requests
                WHERE merged_at >= {from:DateTime64(3, 'UTC')} AND merged_at < {to:DateTime64(3, 'UTC')}
                  AND NOT author_is_bot AND author_login NOT IN {bots:Array(String)}
            ) AS p
            LEFT JOIN
            (
                -- merged_at is the pull request's (attributed_reviews copies it): only the reviews of the pull
                -- requests on the left are read, not the whole history.
                SELECT repository, number, reviewer_login
                FROM attributed_reviews
                WHERE merged_at >= {from:DateTime64(3, 'UTC')} AND merged_at < {to:DateTime64(3, 'UTC')}
                  AND NOT reviewer_is_bot AND reviewer_login NOT IN {bots:Array(String)} AND reviewer_login != author_login
            ) AS r ON r.repository = p.repository AND r.number = p.number
            GROUP BY p.repository, p.number, p.team
        )
        GROUP BY ROLLUP(owner)
    )
SELECT
    team,
    reviews_given,
    cross_team_reviews,
    unknown_reviewer_team,
    pull_requests,
    if(pull_requests = 0, NULL, distinct_reviewers) AS distinct_reviewers_per_pull_request
FROM given
FULL OUTER JOIN reviewed USING (team)
ORDER BY team
