-- Lead time per pull request's samples in one place (docs/metrics.md, "Lead time per pull request"), read by
-- dora/lead_time_per_pull_request.sql (the figures), dora/pull_request_changes.sql (its rows), dora/series.sql (the
-- series), dora/window_keys.sql (the ROI's windows) and pr/issues.sql: each merged pull request's merge or squash
-- commit's first shipment (commit_shipments; one per service for a commit a service got by its paths) with the pull
-- request's first commit time (the earliest author time of its commits). lead_seconds = deployment finish − first
-- commit; valid = the first commit is known and not after the deployment (otherwise the sample is excluded and
-- counted). A table since migration 0023 (a view before, which joined every merged pull request on each query).
-- Sources: commit_shipments, pull_requests.
-- Scope: repository
SELECT
    f.repository AS repository,
    f.sha AS sha,
    f.deployed_at AS deployed_at,
    f.deployment_id AS deployment_id,
    f.owner AS owner,
    f.link AS link,
    p.first_commit_at AS first_commit_at,
    p.first_commit_at IS NOT NULL AND p.first_commit_at <= f.deployed_at AS valid,
    dateDiff('millisecond', ifNull(p.first_commit_at, f.deployed_at), f.deployed_at) / 1000.0 AS lead_seconds
FROM (SELECT * FROM commit_shipments WHERE $in_repositories(repository)) AS f
INNER JOIN
(
    SELECT repository, merge_sha, first_commit_at
    FROM pull_requests FINAL
    WHERE merged_at IS NOT NULL AND merge_sha != '' AND $in_repositories(repository)
) AS p ON p.repository = f.repository AND p.merge_sha = f.sha
