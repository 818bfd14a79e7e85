-- Failed production attempts become a derived table too (definition: sql/clickhouse/derived/failed_production_attempts.sql):
-- as a view, deployment frequency scanned every deployment with FINAL and an ownership join to count them.
DROP VIEW IF EXISTS failed_production_attempts;

CREATE TABLE IF NOT EXISTS failed_production_attempts
(
    deployment_id  String,
    service        LowCardinality(String),
    status         LowCardinality(String),
    started_at     DateTime64(3, 'UTC'),
    team           LowCardinality(String)
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(started_at)
ORDER BY (team, toDate(started_at), deployment_id);
