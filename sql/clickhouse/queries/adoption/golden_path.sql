-- Golden-path adoption over the buckets [bounds[i], bounds[i + 1]) of {bounds:Array(DateTime64(3, 'UTC'))} (the caller
-- passes [from, to] for the whole period, or the month starts inside it for a monthly series).
-- Per bucket, an active service is one with a production deployment that finished in the bucket; its team is the
-- service's owner at its last such deployment. Its template is the one it was on at the end of the bucket (the
-- catalog_service_templates range covering the bucket's last millisecond); golden = that template is a golden-path
-- template (catalog_templates). Rows: per bucket (1-based), team ('' = the organisation) and template ('' = on no
-- template), and the totals over templates (is_total = 1).
WITH
    {bounds:Array(DateTime64(3, 'UTC'))} AS bounds,
    active AS
    (
        SELECT
            toUInt32(arrayFirstIndex(b -> b > finished_at, bounds) - 1) AS bucket,
            service,
            argMax(team, finished_at) AS owner
        FROM production_deployments
        WHERE finished_at >= bounds[1] AND finished_at < bounds[length(bounds)]
        GROUP BY bucket, service
    ),
    on_template AS
    (
        SELECT
            a.bucket AS bucket,
            a.owner AS owner,
            if(t.valid_to IS NOT NULL AND a.bucket_end >= t.valid_to, '', t.template) AS template
        FROM (SELECT bucket, service, owner, bounds[bucket + 1] - toIntervalMillisecond(1) AS bucket_end FROM active) AS a
        ASOF LEFT JOIN catalog_service_templates AS t ON a.service = t.service AND a.bucket_end >= t.valid_from
    )
SELECT
    bucket,
    if(grouping(owner) = 1, '', owner) AS team,
    toBool(grouping(template) = 1) AS is_total,
    template,
    toBool(template IN (SELECT template FROM catalog_templates WHERE is_golden_path)) AS is_golden_path,
    count() AS services,
    countIf(template != '' AND template IN (SELECT template FROM catalog_templates WHERE is_golden_path)) AS golden_path_services
FROM on_template
GROUP BY GROUPING SETS ((bucket, owner, template), (bucket, template), (bucket, owner), (bucket))
ORDER BY bucket, team, is_total, template
