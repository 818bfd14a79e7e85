-- The incident attribution window is applied to the millisecond (Analytics:Metrics:IncidentAttributionWindow
-- exactly, as the oracle does): the view took whole hours, so a window of 2.19:30:00 became 67 h and 00:30:00
-- became 0 h (window attribution silently off). The evidence keeps each incident's distance from the deployment
-- in milliseconds; the derived table is rebuilt on the next refresh, its definition having changed.
DROP VIEW IF EXISTS deployment_failures;
DROP TABLE IF EXISTS deployment_failure_evidence__next;
DROP TABLE IF EXISTS deployment_failure_evidence;

-- Definition: sql/clickhouse/derived/deployment_failure_evidence.sql. gap_milliseconds: for reason
-- incident_window, the milliseconds from the deployment's finish to the incident's start (0 for other reasons).
CREATE TABLE deployment_failure_evidence
(
    deployment_id     String,
    reason            LowCardinality(String),
    evidence_id       String,
    gap_milliseconds  Int64
)
ENGINE = MergeTree
ORDER BY (deployment_id, reason, evidence_id);

-- Why a production deployment counts as failed, one row per (deployment, piece of evidence), for an
-- attribution window of {incident_window_ms:UInt64} milliseconds. Reasons:
--   incident_link   — an incident names the deployment (caused_by_deployment_id);
--   incident_window — an incident naming no deployment started within the window after it, it being the latest
--                     production deployment of the incident's service that finished before the incident started;
--   rollback | hotfix — a successful production rollback or hotfix deployment names it (related_deployment_id).
CREATE VIEW deployment_failures AS
SELECT deployment_id, reason, evidence_id
FROM deployment_failure_evidence
WHERE reason != 'incident_window' OR gap_milliseconds <= {incident_window_ms:UInt64};
