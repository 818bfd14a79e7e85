-- Self-service per team and for the organisation (team = '') over the service requests whose kind is in
-- {kinds:Array(String)} (empty = every kind), closed in [from, to):
--   fulfilled: status fulfilled, or '' (stored before the status column) with a fulfilment time, fulfilled in the
--     period: how many, how many by self-service (channel 'self_service'; the ratio is self-service ÷ all fulfilled),
--     and per channel the median fulfilment time (fulfilled − requested, interpolated). A negative duration is a data
--     error: left out of the median and counted.
--   failed: status failed, closed in the period. Never fulfilled, so in no ratio or median above; the self-service
--     success rate is self-service fulfilled ÷ (self-service fulfilled + self-service failed). Cancelled requests (the
--     requester withdrew) are neither.
SELECT
    if(grouping(owner) = 1, '', owner) AS team,
    countIf(is_fulfilled) AS fulfilled,
    countIf(is_fulfilled AND channel = 'self_service') AS self_service_fulfilled,
    countIf(is_fulfilled AND channel = 'self_service' AND seconds >= 0) AS self_service_n,
    if(self_service_n = 0, NULL, quantileExactInclusiveIf(0.5)(seconds, is_fulfilled AND channel = 'self_service' AND seconds >= 0)) AS self_service_median_seconds,
    countIf(is_fulfilled AND channel = 'self_service' AND seconds < 0) AS self_service_negative,
    countIf(NOT is_fulfilled AND channel = 'self_service') AS self_service_failed,
    countIf(is_fulfilled AND channel = 'ticket') AS ticket_fulfilled,
    countIf(is_fulfilled AND channel = 'ticket' AND seconds >= 0) AS ticket_n,
    if(ticket_n = 0, NULL, quantileExactInclusiveIf(0.5)(seconds, is_fulfilled AND channel = 'ticket' AND seconds >= 0)) AS ticket_median_seconds,
    countIf(is_fulfilled AND channel = 'ticket' AND seconds < 0) AS ticket_negative
FROM
(
    SELECT
        if(team = '', 'unassigned', team) AS owner,
        channel,
        status != 'failed' AS is_fulfilled,
        dateDiff('millisecond', requested_at, ifNull(fulfilled_at, requested_at)) / 1000.0 AS seconds
    FROM service_requests FINAL
    WHERE (empty({kinds:Array(String)}) OR has({kinds:Array(String)}, kind))
      AND ((status IN ('fulfilled', '') AND fulfilled_at >= {from:DateTime64(3, 'UTC')} AND fulfilled_at < {to:DateTime64(3, 'UTC')})
        OR (status = 'failed' AND closed_at >= {from:DateTime64(3, 'UTC')} AND closed_at < {to:DateTime64(3, 'UTC')}))
)
GROUP BY ROLLUP(owner)
ORDER BY team
