-- Each service's deployments per (source, environment): how many, the last start, and the latest tier the source
-- stated for it (GitLab's environments API; '' when none) with that deployment's start. The view
-- environment_classification (migration 0024) adds these up per environment and decides which environments are
-- production, so the production deployments, the failed attempts and a scoped refresh checking that no environment
-- changed side read a few rows per service here instead of grouping every deployment each time (docs/operations.md,
-- "Incremental refresh").
-- Sources: deployments.
-- Scope: service
SELECT
    service,
    source,
    environment,
    count() AS deployments,
    max(started_at) AS last_seen_at,
    argMaxIf(environment_tier, started_at, environment_tier != '') AS tier,
    maxIf(started_at, environment_tier != '') AS tier_stated_at
FROM deployments FINAL
WHERE $in_services(service)
GROUP BY service, source, environment
