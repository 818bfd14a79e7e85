-- The production deployments behind a team's deployment frequency and change failure rate over [from, to)
-- (team '' = every team): each with the evidence that makes it a failure, if any, and how many changes it
-- shipped first. Newest first.
SELECT
    d.deployment_id AS deployment_id,
    d.service AS service,
    d.team AS team,
    d.environment AS environment,
    d.kind AS kind,
    d.kind_evidence AS kind_evidence,
    d.related_deployment_id AS related_deployment_id,
    d.sha AS sha,
    d.started_at AS started_at,
    d.finished_at AS finished_at,
    d.url AS url,
    toBool(length(f.evidence) > 0) AS caused_failure,
    f.evidence AS failure_evidence
FROM
(
    SELECT * FROM production_deployments
    WHERE finished_at >= {from:DateTime64(3, 'UTC')} AND finished_at < {to:DateTime64(3, 'UTC')}
      AND ({team:String} = '' OR team = {team:String})
) AS d
LEFT JOIN
(
    SELECT deployment_id, arraySort(groupUniqArray(concat(reason, ':', evidence_id))) AS evidence
    FROM deployment_failures(incident_window_ms = {incident_window_ms:UInt64})
    GROUP BY deployment_id
) AS f ON f.deployment_id = d.deployment_id
ORDER BY d.finished_at DESC, d.deployment_id
LIMIT {limit:UInt32}
