-- Apache DevLake's DORA dashboard, panel 5 "Change Failure Rate" (barchart), rawSql verbatim: grafana/dashboards/DORA.json of
-- apache/incubator-devlake at commit 420e494b4ede9a16c4bfb59de099c797bcd7f5f1 (2026-05-05). Reproduced unchanged
-- for the side-by-side benchmark (docs/benchmarks.md); GrafanaMacros expands the Grafana macros as Grafana does.
-- Metric 3: change failure rate per month
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
_change_failure_rate_for_each_month as (
  SELECT
    date_format(deployment_finished_date, '%y/%m') as month,
    case
      when count(deployment_id) is null then null
      else sum(has_incident) / count(deployment_id)
    end as change_failure_rate
  FROM
    _failure_caused_by_deployments
  GROUP BY
    1
)
SELECT
  cm.month,
  cfr.change_failure_rate as 'Change Failure Rate'
FROM
  calendar_months cm
  LEFT JOIN _change_failure_rate_for_each_month cfr on cm.month = cfr.month
WHERE
  month_timestamp between DATE(DATE_FORMAT($__timeFrom(), '%Y-%m-01')) AND DATE(DATE_FORMAT($__timeTo(), '%Y-%m-01'))
