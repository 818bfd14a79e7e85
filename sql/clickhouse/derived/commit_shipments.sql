-- Each known commit's first shipment: the first production deployment that shipped it (deployment_commits),
-- with the team owning the deploying service then, how the commit was linked, and the commit's own times.
-- Monorepos: a commit linked to a service because it touches the service's paths (touches_paths) is a change of
-- that service, so it has a first shipment per such service; every other link of the commit counts for the
-- repository as a whole, where the first deployment of any service wins (docs/metrics.md, "Monorepos").
-- Commits not (yet) in the commits table have no lead time and are left out.
-- Sources: production_deployments, deployment_commits, commits.
-- Scope: repository
SELECT
    s.repository AS repository,
    s.sha AS sha,
    s.deployed_at AS deployed_at,
    s.deployment_id AS deployment_id,
    s.owner AS owner,
    s.link AS link,
    c.authored_at AS authored_at,
    c.committed_at AS committed_at
FROM
(
    SELECT
        dc.repository AS repository,
        dc.sha AS sha,
        min(pd.finished_at) AS deployed_at,
        argMin(pd.deployment_id, pd.finished_at) AS deployment_id,
        argMin(pd.team, pd.finished_at) AS owner,
        argMin(dc.link, pd.finished_at) AS link
    FROM
    (
        SELECT deployment_id, repository, sha, link, if(touches_paths, service, '') AS attributed_to
        FROM deployment_commits FINAL
        WHERE $in_repositories(repository)
    ) AS dc
    INNER JOIN (SELECT deployment_id, finished_at, team FROM production_deployments WHERE $in_services(service)) AS pd ON pd.deployment_id = dc.deployment_id
    GROUP BY dc.repository, dc.sha, dc.attributed_to
) AS s
INNER JOIN (SELECT repository, sha, authored_at, committed_at FROM commits FINAL WHERE $in_repositories(repository)) AS c ON c.repository = s.repository AND c.sha = s.sha
