-- Apache DevLake's DORA dashboard, panel 17 "${title_value} In Hours" (stat), rawSql verbatim: grafana/dashboards/DORA.json of
-- apache/incubator-devlake at commit 420e494b4ede9a16c4bfb59de099c797bcd7f5f1 (2026-05-05). Reproduced unchanged
-- for the side-by-side benchmark (docs/benchmarks.md); GrafanaMacros expands the Grafana macros as Grafana does.
--  ***** 2023 report ***** --
--  Metric 4: Failed deployment recovery time
with _deployments as (
  SELECT
    cdc.cicd_deployment_id as deployment_id,
    max(cdc.finished_date) as deployment_finished_date
  FROM
    cicd_deployment_commits cdc
    JOIN project_mapping pm on cdc.cicd_scope_id = pm.row_id
    and pm.`table` = 'cicd_scopes'
  WHERE
    pm.project_name in ($project)
    and cdc.result = 'SUCCESS'
    and cdc.environment = 'PRODUCTION'
  GROUP BY
    1
  HAVING
    $__timeFilter(max(cdc.finished_date))
),
_incidents_for_deployments as (
  SELECT
    i.id as incident_id,
    i.created_date as incident_create_date,
    i.resolution_date as incident_resolution_date,
    fd.deployment_id as caused_by_deployment,
    fd.deployment_finished_date,
    date_format(fd.deployment_finished_date, '%y/%m') as deployment_finished_month
  FROM
    incidents i
    left join project_incident_deployment_relationships pim on i.id = pim.id
    join _deployments fd on pim.deployment_id = fd.deployment_id
  WHERE
    $__timeFilter(i.resolution_date)
),
_recovery_time_ranks as (
  SELECT
    *,
    percent_rank() over(
      order by
        TIMESTAMPDIFF(
          MINUTE,
          deployment_finished_date,
          incident_resolution_date
        )
    ) as ranks
  FROM
    _incidents_for_deployments
),
_median_recovery_time as (
  SELECT
    max(
      TIMESTAMPDIFF(
        MINUTE,
        deployment_finished_date,
        incident_resolution_date
      )
    ) as median_recovery_time
  FROM
    _recovery_time_ranks
  WHERE
    ranks <= 0.5
),

_is_collected_data as(
  SELECT
    CASE
      WHEN EXISTS(select COUNT(d.deployment_id) from _deployments) = 0 AND EXISTS(select COUNT(i.incident_id) FROM incidents) = 0 THEN 'No deployments and incidents'
      WHEN EXISTS(select COUNT(d.deployment_id) from _deployments) = 0 THEN 'No Deployments'
      WHEN EXISTS(select COUNT(i.incident_id) FROM incidents) = 0 THEN 'No Incidents'
      Else 'No incidents are mapped to deployments'
    END AS is_collected
  FROM
    _deployments d, _incidents_for_deployments i
),

_metric_recovery_time_2023_report as(
  SELECT
    CASE
      WHEN ('$dora_report') = '2023' THEN CASE
        WHEN is_collected = "No deployments and incidents" THEN "N/A. Please check if you have collected deployments and incidents."
        WHEN is_collected = "No Deployments" THEN "N/A. Please check if you have collected deployments."
        WHEN is_collected = "No Incidents" THEN "N/A. Please check if you have collected incidents."
        WHEN median_recovery_time < 60 THEN CONCAT(round(median_recovery_time / 60, 1), "(elite)")
        WHEN median_recovery_time < 24 * 60 THEN CONCAT(round(median_recovery_time / 60, 1), "(high)")
        WHEN median_recovery_time < 7 * 24 * 60 THEN CONCAT(round(median_recovery_time / 60, 1), "(medium)")
        WHEN median_recovery_time >= 7 * 24 * 60 THEN CONCAT(round(median_recovery_time / 60, 1), "(low)")
        ELSE "No data"
      END
    END AS median_recovery_time
  FROM
    _median_recovery_time,
    _is_collected_data
),
--  ***** 2021 report ***** --
-- Metric 4: Median time to restore service 
_incidents as (
  -- get the incidents created within the selected time period in the top-right corner
  SELECT
    distinct i.id,
    cast(lead_time_minutes as signed) as lead_time_minutes
  FROM
    incidents i
    join project_mapping pm on i.scope_id = pm.row_id
    and pm.`table` = i.`table`
  WHERE
    pm.project_name in (${project})
    and $__timeFilter(i.resolution_date)
),
_median_mttr_ranks as(
  SELECT
    *,
    percent_rank() over(
      order by
        lead_time_minutes
    ) as ranks
  FROM
    _incidents
),
_median_mttr as(
  SELECT
    max(lead_time_minutes) as median_time_to_resolve
  FROM
    _median_mttr_ranks
  WHERE
    ranks <= 0.5
),
_metric_mttr_2021_report as(
  SELECT
    CASE
      WHEN ('$dora_report') = '2021' THEN CASE
        WHEN median_time_to_resolve < 60 THEN CONCAT(round(median_time_to_resolve / 60, 1), "(elite)")
        WHEN median_time_to_resolve < 24 * 60 THEN CONCAT(round(median_time_to_resolve / 60, 1), "(high)")
        WHEN median_time_to_resolve < 7 * 24 * 60 THEN CONCAT(
          round(median_time_to_resolve / 60, 1),
          "(medium)"
        )
        WHEN median_time_to_resolve >= 7 * 24 * 60 THEN CONCAT(round(median_time_to_resolve / 60, 1), "(low)")
        ELSE "N/A. Please check if you have collected incidents."
      END
    END AS median_time_to_resolve
  FROM
    _median_mttr
)
SELECT
  median_recovery_time AS median_time_in_hour
FROM
  _metric_recovery_time_2023_report
WHERE
  ('$dora_report') = '2023'
UNION
SELECT
  median_time_to_resolve AS median_time_to_resolve
FROM
  _metric_mttr_2021_report
WHERE
  ('$dora_report') = '2021'
