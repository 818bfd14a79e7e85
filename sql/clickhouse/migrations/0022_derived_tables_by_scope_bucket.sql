-- Incremental refresh (docs/operations.md, "Derived tables and their refresh"): each derived table is computed per
-- service or per repository (its file's `-- Scope:` line), and is now partitioned by a bucket of that key,
-- cityHash64(key) % 16, so a refresh after a write that touched a few services or repositories rebuilds only their
-- buckets and swaps each in with ALTER TABLE … REPLACE PARTITION (atomic per partition) instead of rebuilding the
-- whole table. 16 partitions: few, as ClickHouse advises; one bucket is a sixteenth of the table to copy.
-- A partition key cannot be changed in place: each table is created again, empty, and swapped in. The tables are
-- derived: their definitions changed with this release, so the recorded fingerprints no longer match and the first
-- refresh after migrating rebuilds every one whole. deployment_failure_evidence gains the service its rows were
-- computed from (the incident's, or the repairing deployment's), its scope key.
ALTER TABLE deployment_failure_evidence ADD COLUMN IF NOT EXISTS service LowCardinality(String) DEFAULT '';

DROP TABLE IF EXISTS production_deployments__rekeyed;
CREATE TABLE production_deployments__rekeyed AS production_deployments
ENGINE = MergeTree
PARTITION BY cityHash64(service) % 16
ORDER BY (team, toDate(finished_at), service, deployment_id);
EXCHANGE TABLES production_deployments AND production_deployments__rekeyed;
DROP TABLE production_deployments__rekeyed;

DROP TABLE IF EXISTS failed_production_attempts__rekeyed;
CREATE TABLE failed_production_attempts__rekeyed AS failed_production_attempts
ENGINE = MergeTree
PARTITION BY cityHash64(service) % 16
ORDER BY (team, toDate(started_at), deployment_id);
EXCHANGE TABLES failed_production_attempts AND failed_production_attempts__rekeyed;
DROP TABLE failed_production_attempts__rekeyed;

DROP TABLE IF EXISTS attributed_incidents__rekeyed;
CREATE TABLE attributed_incidents__rekeyed AS attributed_incidents
ENGINE = MergeTree
PARTITION BY cityHash64(service) % 16
ORDER BY (team, toDate(started_at), incident_id);
EXCHANGE TABLES attributed_incidents AND attributed_incidents__rekeyed;
DROP TABLE attributed_incidents__rekeyed;

DROP TABLE IF EXISTS deployment_failure_evidence__rekeyed;
CREATE TABLE deployment_failure_evidence__rekeyed AS deployment_failure_evidence
ENGINE = MergeTree
PARTITION BY cityHash64(service) % 16
ORDER BY (deployment_id, reason, evidence_id);
EXCHANGE TABLES deployment_failure_evidence AND deployment_failure_evidence__rekeyed;
DROP TABLE deployment_failure_evidence__rekeyed;

DROP TABLE IF EXISTS commit_shipments__rekeyed;
CREATE TABLE commit_shipments__rekeyed AS commit_shipments
ENGINE = MergeTree
PARTITION BY cityHash64(repository) % 16
ORDER BY (owner, toDate(deployed_at), repository, sha);
EXCHANGE TABLES commit_shipments AND commit_shipments__rekeyed;
DROP TABLE commit_shipments__rekeyed;

DROP TABLE IF EXISTS attributed_pull_requests__rekeyed;
CREATE TABLE attributed_pull_requests__rekeyed AS attributed_pull_requests
ENGINE = MergeTree
PARTITION BY cityHash64(repository) % 16
ORDER BY (team, toDate(opened_at), repository, number);
EXCHANGE TABLES attributed_pull_requests AND attributed_pull_requests__rekeyed;
DROP TABLE attributed_pull_requests__rekeyed;

DROP TABLE IF EXISTS attributed_reviews__rekeyed;
CREATE TABLE attributed_reviews__rekeyed AS attributed_reviews
ENGINE = MergeTree
PARTITION BY cityHash64(repository) % 16
ORDER BY (pull_request_team, toDate(submitted_at), repository, number, review_id);
EXCHANGE TABLES attributed_reviews AND attributed_reviews__rekeyed;
DROP TABLE attributed_reviews__rekeyed;
