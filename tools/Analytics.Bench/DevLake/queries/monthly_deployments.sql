-- Apache DevLake's DORA dashboard, panel 2 "Monthly deployments" (barchart), rawSql verbatim: grafana/dashboards/DORA.json of
-- apache/incubator-devlake at commit 420e494b4ede9a16c4bfb59de099c797bcd7f5f1 (2026-05-05). Reproduced unchanged
-- for the side-by-side benchmark (docs/benchmarks.md); GrafanaMacros expands the Grafana macros as Grafana does.
-- Metric 1: Number of deployments per month
with _deployments as(
-- When deploying multiple commits in one pipeline, GitLab and BitBucket may generate more than one deployment. However, DevLake consider these deployments as ONE production deployment and use the last one's finished_date as the finished date.
	SELECT 
		date_format(deployment_finished_date,'%y/%m') as month,
		count(cicd_deployment_id) as deployment_count
	FROM (
		SELECT
			cdc.cicd_deployment_id,
			max(cdc.finished_date) as deployment_finished_date
		FROM cicd_deployment_commits cdc
		JOIN project_mapping pm on cdc.cicd_scope_id = pm.row_id and pm.`table` = 'cicd_scopes'
		WHERE
			pm.project_name in (${project})
			and cdc.result = 'SUCCESS'
			and cdc.environment = 'PRODUCTION'
		GROUP BY 1
		HAVING $__timeFilter(max(cdc.finished_date))
	) _production_deployments
	GROUP BY 1
)

SELECT 
	cm.month, 
	case when d.deployment_count is null then 0 else d.deployment_count end as 'Deployment Count'
FROM 
	calendar_months cm
	LEFT JOIN _deployments d on cm.month = d.month
	WHERE month_timestamp between DATE(DATE_FORMAT($__timeFrom(), '%Y-%m-01')) AND DATE(DATE_FORMAT($__timeTo(), '%Y-%m-01'))
