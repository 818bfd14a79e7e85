-- Scheduled deliveries (docs/operations.md, "Scheduled delivery"): one row per attempt series at one target — a
-- recipient of the monthly report's e-mail, or a team's chat webhook — for one period, with its outcome. A target
-- with a 'sent' row for a period is never sent to again for that period, by any instance, after any restart.
-- target is a SHA-256 of the address or webhook URL (both are personal data or secrets); target_label is what the
-- admin page shows (the address masked, or the team and chat kind), never the address or URL itself.
CREATE TABLE IF NOT EXISTS deliveries
(
    run_id        String,
    kind          LowCardinality(String),
    period        String,
    target        String,
    target_label  String,
    trigger       LowCardinality(String),
    started_at    DateTime64(3, 'UTC'),
    finished_at   DateTime64(3, 'UTC'),
    status        LowCardinality(String),
    attempts      UInt8,
    error         String
)
ENGINE = MergeTree
ORDER BY (kind, period, target, started_at);
