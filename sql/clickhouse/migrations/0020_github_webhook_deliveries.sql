-- GitHub webhook deliveries the app has applied (docs/ingestion.md, "GitHub webhooks"): one row per delivery id
-- (X-GitHub-Delivery), so a redelivery is recognised and writes nothing twice, and per delivery the object it
-- changed (object_key: 'pull_request:acme/shop#12', 'issue:acme/shop#10', 'workflow_run:71') with the object's own
-- update time, so a delivery older than one already applied to the same object (GitHub does not promise order) is
-- recorded but changes nothing. applied = 0 for such a stale delivery. Holds no payload and no secret.
CREATE TABLE IF NOT EXISTS github_webhook_deliveries
(
    delivery_id        String,
    source             LowCardinality(String),
    event              LowCardinality(String),
    action             LowCardinality(String),
    object_key         String,
    object_updated_at  Nullable(DateTime64(3, 'UTC')),
    applied            Bool,
    received_at        DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree
ORDER BY delivery_id;
