-- The shared definitions the metrics join most (production deployments with their owner, failure evidence,
-- each commit's first shipment, pull requests with their team) become tables, refreshed from the event tables
-- and the catalog mirror after writes (DerivedTables; definitions in sql/clickhouse/derived/). Computing them
-- per figure made every dashboard query repeat the same ASOF and shipment joins (docs/benchmarks.md).
-- The views of migrations 0003-0007 with these names are replaced; the metric queries keep their names.
DROP VIEW IF EXISTS deployment_failures;
DROP VIEW IF EXISTS first_shipments;
DROP VIEW IF EXISTS production_deployments;
DROP VIEW IF EXISTS attributed_pull_requests;

-- Definition: sql/clickhouse/derived/production_deployments.sql.
CREATE TABLE IF NOT EXISTS production_deployments
(
    deployment_id          String,
    service                LowCardinality(String),
    environment            LowCardinality(String),
    kind                   LowCardinality(String),
    related_deployment_id  String,
    repository             LowCardinality(String),
    sha                    String,
    started_at             DateTime64(3, 'UTC'),
    finished_at            DateTime64(3, 'UTC'),
    url                    String,
    source                 LowCardinality(String),
    team                   LowCardinality(String)
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(finished_at)
ORDER BY (team, toDate(finished_at), service, deployment_id);

-- Definition: sql/clickhouse/derived/deployment_failure_evidence.sql. gap_seconds: for reason
-- incident_window, the seconds from the deployment's finish to the incident's start (0 for other reasons),
-- so the attribution window stays a query parameter.
CREATE TABLE IF NOT EXISTS deployment_failure_evidence
(
    deployment_id  String,
    reason         LowCardinality(String),
    evidence_id    String,
    gap_seconds    Int64
)
ENGINE = MergeTree
ORDER BY (deployment_id, reason, evidence_id);

-- Why a production deployment counts as failed, one row per (deployment, piece of evidence), for an
-- attribution window of {incident_window_hours:UInt32} hours. Reasons:
--   incident_link   — an incident names the deployment (caused_by_deployment_id);
--   incident_window — an incident naming no deployment started within the window after it, it being the latest
--                     production deployment of the incident's service that finished before the incident started;
--   rollback | hotfix — a successful production rollback or hotfix deployment names it (related_deployment_id).
CREATE VIEW IF NOT EXISTS deployment_failures AS
SELECT deployment_id, reason, evidence_id
FROM deployment_failure_evidence
WHERE reason != 'incident_window' OR gap_seconds <= {incident_window_hours:UInt32} * 3600;

-- Definition: sql/clickhouse/derived/commit_shipments.sql. Each known commit's first production shipment
-- with the commit's own times.
CREATE TABLE IF NOT EXISTS commit_shipments
(
    repository     LowCardinality(String),
    sha            String,
    deployed_at    DateTime64(3, 'UTC'),
    deployment_id  String,
    owner          LowCardinality(String),
    link           LowCardinality(String),
    authored_at    DateTime64(3, 'UTC'),
    committed_at   DateTime64(3, 'UTC')
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(deployed_at)
ORDER BY (owner, toDate(deployed_at), repository, sha);

-- Each commit's first shipment among deployments that finished before {to:DateTime64(3, 'UTC')}. The first
-- shipment overall answers for any `to`: if it finished before `to` it is also the first among those that did,
-- and if it did not, none did.
CREATE VIEW IF NOT EXISTS first_shipments AS
SELECT * FROM commit_shipments WHERE deployed_at < {to:DateTime64(3, 'UTC')};

-- Definition: sql/clickhouse/derived/attributed_pull_requests.sql.
CREATE TABLE IF NOT EXISTS attributed_pull_requests
(
    repository       LowCardinality(String),
    number           UInt32,
    title            String,
    author_login     String,
    author_is_bot    Bool,
    opened_at        DateTime64(3, 'UTC'),
    first_commit_at  Nullable(DateTime64(3, 'UTC')),
    merged_at        Nullable(DateTime64(3, 'UTC')),
    closed_at        Nullable(DateTime64(3, 'UTC')),
    merge_sha        String,
    url              String,
    team             LowCardinality(String),
    -- Reviews by someone other than the author, not flagged as bots, oldest first: the pickup is the first one
    -- whose reviewer is not in the configured bot list, which stays a query parameter.
    reviews          Array(Tuple(reviewer_login String, submitted_at DateTime64(3, 'UTC'))),
    -- The finish of the first production deployment that shipped the merge or squash commit.
    deployed_at      Nullable(DateTime64(3, 'UTC'))
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(opened_at)
ORDER BY (team, toDate(opened_at), repository, number);

-- What each derived table was last refreshed from: a fingerprint of its source tables' data parts, so a
-- process that starts on a store written by another one knows whether to refresh.
CREATE TABLE IF NOT EXISTS derived_refreshes
(
    name          String,
    fingerprint   UInt64,
    refreshed_at  DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(refreshed_at)
ORDER BY name;
