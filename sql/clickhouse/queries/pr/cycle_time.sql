-- PR cycle time per team and for the organisation (team = '') over pull requests merged in [from, to):
--   coding  = first commit → opened
--   pickup  = opened → first review by someone other than the author (bots never count)
--   review  = first such review → merged
--   deploy  = merged → finish of the first production deployment that shipped the merge or squash commit
-- Pull requests by bots (author_is_bot, or a login in {bots:Array(String)}) are left out. A phase that cannot be
-- measured (no review, not deployed yet) is NULL, never zero; a negative phase (clock skew, rebased commits)
-- is treated as unknown too and counted in <phase>_negative. Medians interpolate (quantileExactInclusive).
WITH
    merged AS
    (
        SELECT *
        FROM attributed_pull_requests
        WHERE merged_at >= {from:DateTime64(3, 'UTC')} AND merged_at < {to:DateTime64(3, 'UTC')}
          AND NOT author_is_bot AND author_login NOT IN {bots:Array(String)}
          AND ({team:String} = '' OR team = {team:String})
    ),
    first_reviews AS
    (
        SELECT r.repository AS repository, r.number AS number, min(r.submitted_at) AS first_review_at
        -- The repository condition lets the primary key skip other teams' reviews before FINAL merges them.
        FROM
        (
            SELECT repository, number, reviewer_login, reviewer_is_bot, submitted_at FROM pull_request_reviews FINAL
            WHERE repository IN (SELECT repository FROM merged)
        ) AS r
        INNER JOIN (SELECT repository, number, author_login FROM merged) AS m ON m.repository = r.repository AND m.number = r.number
        WHERE r.reviewer_login != m.author_login AND NOT r.reviewer_is_bot AND r.reviewer_login NOT IN {bots:Array(String)}
        GROUP BY r.repository, r.number
    ),
    shipped AS
    (
        -- each commit's first production shipment (derived table commit_shipments, migration 0008)
        SELECT repository, sha, deployed_at FROM commit_shipments
        WHERE (repository, sha) IN (SELECT repository, merge_sha FROM merged)
    ),
    phases AS
    (
        SELECT
            m.team AS owner,
            if(m.first_commit_at IS NULL, NULL, dateDiff('millisecond', assumeNotNull(m.first_commit_at), m.opened_at) / 1000.0) AS coding_raw,
            if(f.first_review_at IS NULL, NULL, dateDiff('millisecond', m.opened_at, f.first_review_at) / 1000.0) AS pickup_raw,
            if(f.first_review_at IS NULL, NULL, dateDiff('millisecond', f.first_review_at, assumeNotNull(m.merged_at)) / 1000.0) AS review_raw,
            if(s.deployed_at IS NULL, NULL, dateDiff('millisecond', assumeNotNull(m.merged_at), s.deployed_at) / 1000.0) AS deploy_raw
        FROM merged AS m
        LEFT JOIN (SELECT repository, number, toNullable(first_review_at) AS first_review_at FROM first_reviews) AS f
            ON f.repository = m.repository AND f.number = m.number
        LEFT JOIN (SELECT repository, sha, toNullable(deployed_at) AS deployed_at FROM shipped) AS s
            ON s.repository = m.repository AND s.sha = m.merge_sha
    )
SELECT
    if(grouping(owner) = 1, '', owner) AS team,
    count() AS pull_requests,
    countIf(coding_raw >= 0) AS coding_n,
    if(coding_n = 0, NULL, quantileExactInclusiveIf(0.5)(assumeNotNull(coding_raw), coding_raw >= 0)) AS coding_median_seconds,
    countIf(coding_raw < 0) AS coding_negative,
    countIf(pickup_raw >= 0) AS pickup_n,
    if(pickup_n = 0, NULL, quantileExactInclusiveIf(0.5)(assumeNotNull(pickup_raw), pickup_raw >= 0)) AS pickup_median_seconds,
    countIf(pickup_raw < 0) AS pickup_negative,
    countIf(review_raw >= 0) AS review_n,
    if(review_n = 0, NULL, quantileExactInclusiveIf(0.5)(assumeNotNull(review_raw), review_raw >= 0)) AS review_median_seconds,
    countIf(review_raw < 0) AS review_negative,
    countIf(deploy_raw >= 0) AS deploy_n,
    if(deploy_n = 0, NULL, quantileExactInclusiveIf(0.5)(assumeNotNull(deploy_raw), deploy_raw >= 0)) AS deploy_median_seconds,
    countIf(deploy_raw < 0) AS deploy_negative
FROM phases
GROUP BY ROLLUP(owner)
ORDER BY team
