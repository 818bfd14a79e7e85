-- When each team adopted the golden path: the earliest start of a catalog_service_templates range on a golden-path
-- template (catalog_templates) of a service the team owned at that instant. Every team that ever owned a service is
-- listed; adopted_at is NULL for those that never adopted. data_start is the first production deployment's finish,
-- below which no before-window may reach.
WITH adoptions AS
(
    SELECT o.team AS adopter, min(st.valid_from) AS adopted_at
    FROM
    (
        SELECT service, valid_from FROM catalog_service_templates
        WHERE template IN (SELECT template FROM catalog_templates WHERE is_golden_path)
    ) AS st
    ASOF INNER JOIN catalog_service_ownership AS o ON st.service = o.service AND st.valid_from >= o.valid_from
    WHERE o.team != '' AND (o.valid_to IS NULL OR st.valid_from < o.valid_to)
    GROUP BY o.team
)
SELECT
    t.team AS team,
    a.adopted_at AS adopted_at,
    (SELECT min(finished_at) FROM production_deployments) AS data_start
FROM (SELECT DISTINCT team FROM catalog_service_ownership WHERE team != '') AS t
LEFT JOIN (SELECT adopter, toNullable(adopted_at) AS adopted_at FROM adoptions) AS a ON a.adopter = t.team
ORDER BY team
