-- Lead time per pull request's samples become a derived table (definition: sql/clickhouse/derived/pull_request_shipments.sql),
-- refreshed after writes like the others. As the view of 0017, every figure, series, ROI window and Issues tab joined
-- the whole `pull_requests FINAL` (every merged pull request, 1 M at scale L) before any team or period filter
-- applied: 1.2 s per team at scale L (docs/benchmarks.md, "Side by side with Apache DevLake").
-- The queries keep the name; the columns and their types are the view's. Computed per repository and partitioned by
-- its bucket as in 0022; sorted as commit_shipments, by what the readers filter on: the owning team, then the day
-- of the shipment. The first refresh after migrating fills it (no fingerprint is recorded for it yet).
DROP VIEW IF EXISTS pull_request_shipments;

CREATE TABLE IF NOT EXISTS pull_request_shipments
(
    repository       LowCardinality(String),
    sha              String,
    deployed_at      DateTime64(3, 'UTC'),
    deployment_id    String,
    owner            LowCardinality(String),
    link             LowCardinality(String),
    first_commit_at  Nullable(DateTime64(3, 'UTC')),
    valid            Nullable(UInt8),
    lead_seconds     Float64
)
ENGINE = MergeTree
PARTITION BY cityHash64(repository) % 16
ORDER BY (owner, toDate(deployed_at), repository, sha);
