-- The latest delivery runs for the admin page: one row per run (a scheduled firing or a send command), with how many
-- targets it sent to, skipped as already sent, and failed, and the first error. Labels only: no address or URL is stored.
SELECT
    run_id,
    any(kind) AS kind,
    any(period) AS period,
    any(trigger) AS trigger,
    min(started_at) AS started_at,
    max(finished_at) AS finished_at,
    countIf(status = 'sent') AS sent,
    countIf(status = 'skipped') AS skipped,
    countIf(status = 'failed') AS failed,
    sum(attempts) AS attempts,
    arrayStringConcat(groupArrayIf(concat(target_label, ': ', error), status = 'failed'), '; ') AS errors
FROM deliveries
GROUP BY run_id
ORDER BY started_at DESC
LIMIT {take:UInt32}
