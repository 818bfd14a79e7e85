-- Apache DevLake's DORA dashboard, panel 9 "${title_value}" (barchart), rawSql verbatim: grafana/dashboards/DORA.json of
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
      PARTITION BY deployment_finished_month
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
    deployment_finished_month,
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
  GROUP BY
    deployment_finished_month
),
_metric_recovery_time_2023_report as (
  SELECT
    cm.month,
    case
      when m.median_recovery_time is null then 0
      else m.median_recovery_time / 60
    end as median_recovery_time_in_hour
  FROM
    calendar_months cm
    LEFT JOIN _median_recovery_time m on cm.month = m.deployment_finished_month
  WHERE
    month_timestamp between DATE(DATE_FORMAT($__timeFrom(), '%Y-%m-01')) AND DATE(DATE_FORMAT($__timeTo(), '%Y-%m-01'))
),
--  ***** 2021 report ***** --
-- Metric 4: median time to restore service - MTTR
_incidents as (
  -- get the number of incidents created each month
  SELECT
    distinct i.id,
    date_format(i.resolution_date, '%y/%m') as month,
    cast(lead_time_minutes as signed) as lead_time_minutes
  FROM
    incidents i
    join project_mapping pm on i.scope_id = pm.row_id
    and pm.`table` = i.`table`
  WHERE
    pm.project_name in (${project})
    and i.lead_time_minutes is not null
),
_find_median_mttr_each_month_ranks as(
  SELECT
    *,
    percent_rank() over(
      PARTITION BY month
      order by
        lead_time_minutes
    ) as ranks
  FROM
    _incidents
),
_mttr as(
  SELECT
    month,
    max(lead_time_minutes) as median_time_to_resolve
  FROM
    _find_median_mttr_each_month_ranks
  WHERE
    ranks <= 0.5
  GROUP BY
    month
),
_metric_mttr_2021_report as (
  SELECT
    cm.month,
    case
      when m.median_time_to_resolve is null then 0
      else m.median_time_to_resolve / 60
    end as median_time_to_resolve_in_hour
  FROM
    calendar_months cm
    LEFT JOIN _mttr m on cm.month = m.month
  WHERE
    month_timestamp between DATE(DATE_FORMAT($__timeFrom(), '%Y-%m-01')) AND DATE(DATE_FORMAT($__timeTo(), '%Y-%m-01'))
)
SELECT
  cm.month,
  CASE
    WHEN '${dora_report}' = '2023' THEN mrt.median_recovery_time_in_hour
    WHEN '${dora_report}' = '2021' THEN mm.median_time_to_resolve_in_hour
  END AS '${title_value} In Hours'
FROM
  calendar_months cm
  LEFT JOIN _metric_recovery_time_2023_report mrt ON cm.month = mrt.month
  LEFT JOIN _metric_mttr_2021_report mm ON cm.month = mm.month
WHERE
  month_timestamp between DATE(DATE_FORMAT($__timeFrom(), '%Y-%m-01')) AND DATE(DATE_FORMAT($__timeTo(), '%Y-%m-01'))
