-- Failed production attempts and attributed incidents become derived tables too (definitions in
-- sql/clickhouse/derived/): as views, every deployment-frequency and recovery figure re-read their event table
-- with FINAL and an ownership join.
DROP VIEW IF EXISTS failed_production_attempts;
DROP VIEW IF EXISTS attributed_incidents;

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

CREATE TABLE IF NOT EXISTS attributed_incidents
(
    incident_id              String,
    service                  LowCardinality(String),
    severity                 LowCardinality(String),
    title                    String,
    started_at               DateTime64(3, 'UTC'),
    resolved_at              Nullable(DateTime64(3, 'UTC')),
    caused_by_deployment_id  String,
    url                      String,
    team                     LowCardinality(String)
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(started_at)
ORDER BY (team, toDate(started_at), incident_id);
