-- Lead time for changes per pull request, per team and for the organisation (team = '') over [from, to): the same
-- columns as dora/lead_time.sql, one sample per merged pull request instead of per commit (docs/metrics.md,
-- "Lead time per pull request").
-- Per pull request: finish of the first production deployment that shipped its merge or squash commit (merge_sha,
-- through commit_shipments like every commit) minus its first commit's author time (first_commit_at: the earliest
-- author time among the pull request's commits, as the source read them). Author time, whatever use_author_time says:
-- a rebase, an amend or a squash rewrites committer times to the moment of the rewrite, the author time stays when
-- the work was written. The sample is the pull requests whose merge commit's first shipment finished in the period;
-- the team owns the deploying service then. As for a commit, a merge commit a service got by its paths (monorepo) is
-- a change of each such service. A merge-commit and a squash-merged pull request thus give the same one sample.
-- Excluded (counted, not in the figures): a first commit after the deployment (a data error) or not known at all.
-- {by:String}: rows by team, service or repository as in dora/lead_time.sql (docs/metrics.md, "Breakdown by team,
-- service or repository").
WITH shipped AS
(
    SELECT
        multiIf({by:String} = 'service', d.service, {by:String} = 'repository', f.repository, f.owner) AS owner,
        f.link AS link,
        f.valid AS valid,
        f.lead_seconds AS lead_seconds
    -- derived table pull_request_shipments (migration 0023): each merged pull request's merge commit's first shipment
    FROM pull_request_shipments AS f
    -- the shipping deployment's service, read only when the rows are services
    LEFT JOIN (SELECT deployment_id, service FROM production_deployments WHERE {by:String} = 'service') AS d ON d.deployment_id = f.deployment_id
    WHERE f.deployed_at >= {from:DateTime64(3, 'UTC')} AND f.deployed_at < {to:DateTime64(3, 'UTC')}
      AND ({team:String} = '' OR f.owner = {team:String})
)
SELECT
    if(grouping(owner) = 1, '', owner) AS team,
    countIf(valid) AS changes,
    countIf(NOT valid) AS excluded,
    if(changes = 0, NULL, quantileExactInclusiveIf(0.5)(lead_seconds, valid)) AS median_seconds,
    if(changes = 0, NULL, quantileExactInclusiveIf(0.75)(lead_seconds, valid)) AS p75_seconds,
    if(changes = 0, NULL, quantileExactInclusiveIf(0.9)(lead_seconds, valid)) AS p90_seconds,
    if(changes = 0, 0, countIf(link = 'inferred' AND valid) / changes) AS inferred_share
FROM shipped
GROUP BY ROLLUP(owner)
ORDER BY team
