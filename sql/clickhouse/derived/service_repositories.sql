-- Which repositories each service deploys: the repository its deployments name and the repositories of the commits
-- linked to them (deployment_commits). A scoped refresh closes the services and repositories written over these
-- pairs — a service's production deployments read its repositories' commits, a repository's shipments read the
-- deployments of every service shipping it (monorepos) — reading this small table and the pairs of the rows just
-- written instead of both event tables' columns whole (docs/operations.md, "Incremental refresh").
-- Sources: deployments, deployment_commits.
-- Scope: service
SELECT DISTINCT service, repository
FROM
(
    SELECT service, repository FROM deployments FINAL WHERE repository != '' AND $in_services(service)
    UNION ALL
    SELECT service, repository FROM deployment_commits FINAL WHERE repository != '' AND $in_services(service)
)
