-- The golden path's adoption as a degree, per team and calendar month (organisation time zone {tz:String}):
-- a service is active for a team in a month if a production deployment of it finished in the month while the team
-- owned it (production_deployments.team: the owner at the deployment's finish); it is on the golden path if its
-- template (catalog_service_templates range covering that finish) is a golden-path template (catalog_templates) at
-- its last such deployment of the month. golden_services ÷ services is the team's adoption degree that month;
-- RoiQueries reads a team as adopted from the first month whose degree reaches Analytics:Space:RoiAdoptionThreshold.
-- deployments also says whether the team was active (deployed) in the month: a comparison needs every month active.
-- A service handed to another team (a reorganisation) counts for the new owner from its first deployment after the
-- hand-over, golden or not, as its owner then is the one the deployment is attributed to.
-- data_start: the first production deployment's finish, below which no window may reach.
SELECT
    team,
    month,
    sum(service_deployments) AS deployments,
    count() AS services,
    countIf(golden) AS golden_services,
    (SELECT min(finished_at) FROM production_deployments) AS data_start
FROM
(
    SELECT
        d.team AS team,
        toStartOfMonth(toTimeZone(d.finished_at, {tz:String})) AS month,
        d.service AS service,
        count() AS service_deployments,
        argMax(st.valid_from IS NOT NULL AND (st.valid_to IS NULL OR d.finished_at < st.valid_to)
               AND st.template IN (SELECT template FROM catalog_templates WHERE is_golden_path), d.finished_at) AS golden
    FROM production_deployments AS d
    ASOF LEFT JOIN
    (
        SELECT service, template, valid_from, valid_to FROM catalog_service_templates
    ) AS st ON d.service = st.service AND d.finished_at >= st.valid_from
    WHERE d.team NOT IN ('', 'unassigned')
    GROUP BY team, month, service
)
GROUP BY team, month
ORDER BY team, month
