-- What self-service saved, built from measured durations: per team and for the organisation (team = ''), per
-- request kind and channel, over the service requests fulfilled in [from, to) whose kind is in {kinds:Array(String)}
-- (empty = every kind): how many were fulfilled and the sum of their fulfilment times (fulfilled − requested,
-- seconds). A negative duration is a data error (as in adoption/self_service.sql): left out of the sum and of
-- measured, and counted in negative.
SELECT
    if(grouping(owner) = 1, '', owner) AS team,
    kind,
    channel,
    count() AS fulfilled,
    countIf(seconds >= 0) AS measured,
    sumIf(seconds, seconds >= 0) AS seconds_sum,
    countIf(seconds < 0) AS negative
FROM
(
    SELECT
        if(team = '', 'unassigned', team) AS owner,
        kind,
        channel,
        dateDiff('millisecond', requested_at, assumeNotNull(fulfilled_at)) / 1000.0 AS seconds
    FROM service_requests FINAL
    WHERE fulfilled_at >= {from:DateTime64(3, 'UTC')} AND fulfilled_at < {to:DateTime64(3, 'UTC')}
      AND (empty({kinds:Array(String)}) OR has({kinds:Array(String)}, kind))
)
GROUP BY GROUPING SETS ((owner, kind, channel), (kind, channel))
ORDER BY team, kind, channel
