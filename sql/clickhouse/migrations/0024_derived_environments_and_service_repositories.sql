-- Two small derived tables, so a scoped refresh after one pushed deployment reads what changed rather than whole
-- columns of the history (docs/operations.md, "Incremental refresh"; docs/benchmarks.md):
-- deployment_environments (definition: sql/clickhouse/derived/deployment_environments.sql), each service's
-- deployments per source and environment with the latest stated tier: environment_classification grouped every
-- deployment (1.2 M at scale L, FINAL) on each read, three times per refresh (the production environments, then the
-- production deployments' and failed attempts' SELECTs); it now adds up these rows, a few per service.
-- service_repositories (sql/clickhouse/derived/service_repositories.sql), the repositories each service deploys: the
-- scoped refresh closed the keys written over the distinct pairs of every deployment and deployment commit.
-- Both are computed per service and partitioned by its bucket as in 0022. The first refresh after migrating fills
-- them (no fingerprint is recorded for them yet) and, since the production deployments' and failed attempts'
-- definitions now name deployment_environments, rebuilds those whole too.
CREATE TABLE IF NOT EXISTS deployment_environments
(
    service         LowCardinality(String),
    source          LowCardinality(String),
    environment     LowCardinality(String),
    deployments     UInt64,
    last_seen_at    DateTime64(3, 'UTC'),
    tier            LowCardinality(String),
    tier_stated_at  DateTime64(3, 'UTC')
)
ENGINE = MergeTree
PARTITION BY cityHash64(service) % 16
ORDER BY (source, environment, service);

CREATE TABLE IF NOT EXISTS service_repositories
(
    service     LowCardinality(String),
    repository  LowCardinality(String)
)
ENGINE = MergeTree
PARTITION BY cityHash64(service) % 16
ORDER BY (service, repository);

-- environment_classification (migrations 0012, 0018) over deployment_environments: the same columns and rules; the
-- latest stated tier of an environment is the tier of the service that stated one last.
CREATE OR REPLACE VIEW environment_classification AS
WITH (SELECT groupArray((source, pattern, is_production)) FROM catalog_production_environments) AS rules
SELECT
    source,
    environment,
    sum(deployments) AS deployments,
    max(last_seen_at) AS last_seen_at,
    argMaxIf(tier, tier_stated_at, tier != '') AS tier,
    arrayFilter(rule -> (rule.1 = '' OR rule.1 = source) AND match(environment, concat('(?i)^(?:', rule.2, ')$')), rules) AS matching,
    arrayMap(rule -> rule.2, arrayFilter(rule -> rule.3, matching)) AS production_patterns,
    arrayMap(rule -> rule.2, arrayFilter(rule -> NOT rule.3, matching)) AS excluding_patterns,
    toBool(if(tier != '', tier = 'production', length(production_patterns) > 0 AND length(excluding_patterns) = 0)) AS is_production
FROM deployment_environments
GROUP BY source, environment;
