-- Apache DevLake's DORA dashboard, panel 14 "Change Failure Rate" (stat), rawSql verbatim: grafana/dashboards/DORA.json of
-- apache/incubator-devlake at commit 420e494b4ede9a16c4bfb59de099c797bcd7f5f1 (2026-05-05). Reproduced unchanged
-- for the side-by-side benchmark (docs/benchmarks.md); GrafanaMacros expands the Grafana macros as Grafana does.
-- Metric 3: change failure rate
with _deployments as (
  -- When deploying multiple commits in one pipeline, GitLab and BitBucket may generate more than one deployment. However, DevLake consider these deployments as ONE production deployment and use the last one's finished_date as the finished date.
  SELECT
    cdc.cicd_deployment_id as deployment_id,
    max(cdc.finished_date) as deployment_finished_date
  FROM
    cicd_deployment_commits cdc
    JOIN project_mapping pm on cdc.cicd_scope_id = pm.row_id
    and pm.`table` = 'cicd_scopes'
  WHERE
    pm.project_name in (${project})
    and cdc.result = 'SUCCESS'
    and cdc.environment = 'PRODUCTION'
  GROUP BY
    1
  HAVING
    $__timeFilter(max(cdc.finished_date))
),
_failure_caused_by_deployments as (
  -- calculate the number of incidents caused by each deployment
  SELECT
    d.deployment_id,
    d.deployment_finished_date,
    count(
      distinct case
        when i.id is not null then d.deployment_id
        else null
      end
    ) as has_incident
  FROM
    _deployments d
    left join project_incident_deployment_relationships pim on d.deployment_id = pim.deployment_id
    left join incidents i on pim.id = i.id
  GROUP BY
    1,
    2
),
_change_failure_rate as (
  SELECT
    case
      when count(deployment_id) is null then null
      else sum(has_incident) / count(deployment_id)
    end as change_failure_rate
  FROM
    _failure_caused_by_deployments
),
_is_collected_data as(
  SELECT
    CASE
      WHEN COUNT(i.id) = 0
      AND COUNT(cdc.id) = 0 THEN 'No All'
      WHEN COUNT(i.id) = 0 THEN 'No Incidents'
      WHEN COUNT(cdc.id) = 0 THEN 'No Deployments'
    END AS is_collected
  FROM
    (
      SELECT
        1
    ) AS dummy
    LEFT JOIN incidents i ON 1 = 1
    LEFT JOIN cicd_deployment_commits cdc ON 1 = 1
)
SELECT
  CASE
    WHEN ('$dora_report') = '2023' THEN CASE
      WHEN is_collected = "No All" THEN "N/A. Please check if you have collected deployments/incidents."
      WHEN is_collected = "No Incidents" THEN "N/A. Please check if you have collected incidents."
      WHEN is_collected = "No Deployments" THEN "N/A. Please check if you have collected deployments."
      WHEN change_failure_rate <=.05 THEN CONCAT(round(change_failure_rate * 100, 1), "%(elite)")
      WHEN change_failure_rate <=.10 THEN CONCAT(round(change_failure_rate * 100, 1), "%(high)")
      WHEN change_failure_rate <=.15 THEN CONCAT(round(change_failure_rate * 100, 1), "%(medium)")
      WHEN change_failure_rate >.15 THEN CONCAT(round(change_failure_rate * 100, 1), "%(low)")
      ELSE "N/A. Please check if you have collected deployments/incidents."
    END
    WHEN ('$dora_report') = '2021' THEN CASE
      WHEN is_collected = "No All" THEN "N/A. Please check if you have collected deployments/incidents."
      WHEN is_collected = "No Incidents" THEN "N/A. Please check if you have collected incidents."
      WHEN is_collected = "No Deployments" THEN "N/A. Please check if you have collected deployments."
      WHEN change_failure_rate <=.15 THEN CONCAT(round(change_failure_rate * 100, 1), "%(elite)")
      WHEN change_failure_rate <=.20 THEN CONCAT(round(change_failure_rate * 100, 1), "%(high)")
      WHEN change_failure_rate <=.30 THEN CONCAT(round(change_failure_rate * 100, 1), "%(medium)")
      WHEN change_failure_rate >.30 THEN CONCAT(round(change_failure_rate * 100, 1), "%(low)")
      ELSE "N/A. Please check if you have collected deployments/incidents."
    END
    ELSE 'No data'
  END AS change_failure_rate
FROM
  _change_failure_rate,
  _is_collected_data
