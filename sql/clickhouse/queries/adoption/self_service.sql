-- Self-service per team and for the organisation (team = '') over the service requests fulfilled in [from, to)
-- whose kind is in {kinds:Array(String)} (empty = every kind): how many were fulfilled, how many by self-service
-- (channel 'self_service'; the ratio is self-service ÷ all fulfilled), and per channel the median fulfilment time
-- (fulfilled − requested, interpolated). A negative duration is a data error: left out of the median and counted.
SELECT
    if(grouping(owner) = 1, '', owner) AS team,
    count() AS fulfilled,
    countIf(channel = 'self_service') AS self_service_fulfilled,
    countIf(channel = 'self_service' AND seconds >= 0) AS self_service_n,
    if(self_service_n = 0, NULL, quantileExactInclusiveIf(0.5)(seconds, channel = 'self_service' AND seconds >= 0)) AS self_service_median_seconds,
    countIf(channel = 'self_service' AND seconds < 0) AS self_service_negative,
    countIf(channel = 'ticket') AS ticket_fulfilled,
    countIf(channel = 'ticket' AND seconds >= 0) AS ticket_n,
    if(ticket_n = 0, NULL, quantileExactInclusiveIf(0.5)(seconds, channel = 'ticket' AND seconds >= 0)) AS ticket_median_seconds,
    countIf(channel = 'ticket' AND seconds < 0) AS ticket_negative
FROM
(
    SELECT
        if(team = '', 'unassigned', team) AS owner,
        channel,
        dateDiff('millisecond', requested_at, assumeNotNull(fulfilled_at)) / 1000.0 AS seconds
    FROM service_requests FINAL
    WHERE fulfilled_at >= {from:DateTime64(3, 'UTC')} AND fulfilled_at < {to:DateTime64(3, 'UTC')}
      AND (empty({kinds:Array(String)}) OR has({kinds:Array(String)}, kind))
)
GROUP BY ROLLUP(owner)
ORDER BY team
