-- Each commit's first shipment: the first production deployment that shipped it (deployment_commits), among
-- deployments that finished before {to:DateTime64(3, 'UTC')}, with the team owning the service then and how
-- the commit was linked. Lead time, its drill-down and its series all start from this one definition.
CREATE VIEW IF NOT EXISTS first_shipments AS
SELECT
    dc.repository AS repository,
    dc.sha AS sha,
    min(pd.finished_at) AS deployed_at,
    argMin(pd.deployment_id, pd.finished_at) AS deployment_id,
    argMin(pd.team, pd.finished_at) AS owner,
    argMin(dc.link, pd.finished_at) AS link
FROM (SELECT deployment_id, repository, sha, link FROM deployment_commits FINAL) AS dc
INNER JOIN
(
    SELECT deployment_id, finished_at, team FROM production_deployments WHERE finished_at < {to:DateTime64(3, 'UTC')}
) AS pd ON pd.deployment_id = dc.deployment_id
GROUP BY dc.repository, dc.sha;
