-- Engineering events. Every table is keyed by the source's natural id, so re-ingesting a row replaces it
-- (ReplacingMergeTree on ingested_at) instead of adding a copy. Reads deduplicate with FINAL.
-- ORDER BY leads with the grouping key and the (immutable) event day; partitions are monthly.

CREATE TABLE IF NOT EXISTS commits
(
    repository       LowCardinality(String),
    sha              String,
    parents          Array(String),
    author_email     String,
    author_name      String,
    authored_at      DateTime64(3, 'UTC'),
    committer_email  String,
    committed_at     DateTime64(3, 'UTC'),
    message          String,
    source           LowCardinality(String),
    ingested_at      DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(committed_at)
ORDER BY (repository, toDate(committed_at), sha);

CREATE TABLE IF NOT EXISTS pull_requests
(
    repository       LowCardinality(String),
    number           UInt32,
    title            String,
    author_login     String,
    author_is_bot    Bool,
    base_branch      LowCardinality(String),
    opened_at        DateTime64(3, 'UTC'),
    first_commit_at  Nullable(DateTime64(3, 'UTC')),
    first_review_at  Nullable(DateTime64(3, 'UTC')),
    merged_at        Nullable(DateTime64(3, 'UTC')),
    closed_at        Nullable(DateTime64(3, 'UTC')),
    merge_sha        String,
    url              String,
    source           LowCardinality(String),
    ingested_at      DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(opened_at)
ORDER BY (repository, toDate(opened_at), number);

CREATE TABLE IF NOT EXISTS pull_request_commits
(
    repository       LowCardinality(String),
    number           UInt32,
    sha              String,
    ingested_at      DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(ingested_at)
ORDER BY (repository, number, sha);

CREATE TABLE IF NOT EXISTS pull_request_reviews
(
    repository       LowCardinality(String),
    number           UInt32,
    review_id        String,
    reviewer_login   String,
    reviewer_is_bot  Bool,
    state            LowCardinality(String),
    submitted_at     DateTime64(3, 'UTC'),
    source           LowCardinality(String),
    ingested_at      DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(submitted_at)
ORDER BY (repository, toDate(submitted_at), number, review_id);

-- status: success | failure | error | in_progress | queued | cancelled.
-- kind: normal | hotfix | rollback; related_deployment_id names the deployment a hotfix or rollback repairs.
CREATE TABLE IF NOT EXISTS deployments
(
    deployment_id          String,
    service                LowCardinality(String),
    environment            LowCardinality(String),
    status                 LowCardinality(String),
    kind                   LowCardinality(String),
    related_deployment_id  String,
    repository             LowCardinality(String),
    sha                    String,
    started_at             DateTime64(3, 'UTC'),
    finished_at            Nullable(DateTime64(3, 'UTC')),
    url                    String,
    source                 LowCardinality(String),
    ingested_at            DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(started_at)
ORDER BY (service, toDate(started_at), deployment_id);

-- Which commits each deployment shipped. link: exact (commit ancestry) | inferred (time window fallback).
CREATE TABLE IF NOT EXISTS deployment_commits
(
    deployment_id    String,
    service          LowCardinality(String),
    repository       LowCardinality(String),
    sha              String,
    link             LowCardinality(String),
    ingested_at      DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(ingested_at)
ORDER BY (service, deployment_id, sha);

CREATE TABLE IF NOT EXISTS incidents
(
    incident_id               String,
    service                   LowCardinality(String),
    severity                  LowCardinality(String),
    title                     String,
    started_at                DateTime64(3, 'UTC'),
    resolved_at               Nullable(DateTime64(3, 'UTC')),
    caused_by_deployment_id   String,
    url                       String,
    source                    LowCardinality(String),
    ingested_at               DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(started_at)
ORDER BY (service, toDate(started_at), incident_id);

-- respondent_hash is HMAC-SHA256(salt, respondent id): raw ids are never stored.
CREATE TABLE IF NOT EXISTS survey_responses
(
    survey_id        LowCardinality(String),
    respondent_hash  String,
    team             LowCardinality(String),
    question         LowCardinality(String),
    score            Int16,
    answered_at      DateTime64(3, 'UTC'),
    source           LowCardinality(String),
    ingested_at      DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(answered_at)
ORDER BY (team, toDate(answered_at), survey_id, question, respondent_hash);

-- channel: self_service | ticket.
CREATE TABLE IF NOT EXISTS service_requests
(
    request_id       String,
    team             LowCardinality(String),
    kind             LowCardinality(String),
    channel          LowCardinality(String),
    requested_at     DateTime64(3, 'UTC'),
    fulfilled_at     Nullable(DateTime64(3, 'UTC')),
    source           LowCardinality(String),
    ingested_at      DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(requested_at)
ORDER BY (team, toDate(requested_at), request_id);
