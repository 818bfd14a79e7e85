-- PR cycle time per team and for the organisation (team = '') over pull requests merged in [from, to):
--   coding  = first commit → opened
--   pickup  = opened → first review by someone other than the author (bots never count)
--   review  = first such review → merged
--   deploy  = merged → finish of the first production deployment that shipped the merge or squash commit
-- Pull requests by bots (author_is_bot, or a login in {bots:Array(String)}) are left out. A phase that cannot be
-- measured (no review, not deployed yet) is NULL, never zero; a negative phase (clock skew, rebased commits)
-- is treated as unknown too and counted in <phase>_negative. Medians interpolate (quantileExactInclusive).
-- {weekly:UInt8} = 1: one set of rows per week instead, week = the Monday (UTC) of the merge, so a page's weekly trend
-- is one query, not one per week (the caller gives a window of whole weeks); 0: week = {from} for every row.
WITH
    merged AS
    (
        SELECT *
        FROM attributed_pull_requests
        WHERE merged_at >= {from:DateTime64(3, 'UTC')} AND merged_at < {to:DateTime64(3, 'UTC')}
          AND NOT author_is_bot AND author_login NOT IN {bots:Array(String)}
          AND ({team:String} = '' OR team = {team:String})
    ),
    phases AS
    (
        -- attributed_pull_requests (derived) holds each PR's candidate reviews, oldest first, and its merge commit's
        -- first production shipment; the pickup is the first review whose reviewer is not in the bot list.
        SELECT
            team AS owner,
            if({weekly:UInt8} = 1, toMonday(merged_at, 'UTC'), toDate({from:DateTime64(3, 'UTC')}, 'UTC')) AS week,
            arrayFirstIndex(r -> NOT has({bots:Array(String)}, r.1), reviews) AS pickup_index,
            if(pickup_index = 0, NULL, toNullable(reviews[pickup_index].2)) AS first_review_at,
            if(first_commit_at IS NULL, NULL, dateDiff('millisecond', assumeNotNull(first_commit_at), opened_at) / 1000.0) AS coding_raw,
            if(first_review_at IS NULL, NULL, dateDiff('millisecond', opened_at, assumeNotNull(first_review_at)) / 1000.0) AS pickup_raw,
            if(first_review_at IS NULL, NULL, dateDiff('millisecond', assumeNotNull(first_review_at), assumeNotNull(merged_at)) / 1000.0) AS review_raw,
            if(deployed_at IS NULL, NULL, dateDiff('millisecond', assumeNotNull(merged_at), assumeNotNull(deployed_at)) / 1000.0) AS deploy_raw
        FROM merged
    )
SELECT
    week,
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
GROUP BY GROUPING SETS ((week, owner), (week))
ORDER BY week, team
