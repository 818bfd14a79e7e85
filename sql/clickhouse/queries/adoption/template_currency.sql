-- Template version currency at {at:DateTime64(3, 'UTC')} (the caller passes the last millisecond of the period):
-- every service on a template then (the catalog_service_templates range covering the instant; the latest-starting
-- one if several do), its owner then ('unassigned' if none), and how far its version is behind the template's
-- latest_version (catalog_templates). Versions are read as semantic versions: an optional v, MAJOR[.MINOR[.PATCH]]
-- (missing parts 0, at most 9 digits each), then optionally -prerelease / +build, ignored. status: latest (at or
-- above the latest), patch_behind, minor_behind (minors_behind = latest minor − minor), major_behind
-- (majors_behind = latest major − major), unknown (either version unreadable, or the template not in the catalog).
WITH
    '^[vV]?([0-9]{1,9})(?:\\.([0-9]{1,9}))?(?:\\.([0-9]{1,9}))?(?:[-+].*)?$' AS semver,
    current AS
    (
        SELECT service, argMax(template, valid_from) AS template_name, argMax(template_version, valid_from) AS version
        FROM catalog_service_templates
        WHERE valid_from <= {at:DateTime64(3, 'UTC')} AND (valid_to IS NULL OR {at:DateTime64(3, 'UTC')} < valid_to)
        GROUP BY service
    ),
    owned AS
    (
        SELECT
            c.service AS service,
            c.template_name AS template_name,
            c.version AS version,
            if(o.team = '' OR (o.valid_to IS NOT NULL AND c.at >= o.valid_to), 'unassigned', o.team) AS owner
        FROM (SELECT *, {at:DateTime64(3, 'UTC')} AS at FROM current) AS c
        ASOF LEFT JOIN catalog_service_ownership AS o ON c.service = o.service AND c.at >= o.valid_from
    ),
    parsed AS
    (
        SELECT
            w.service AS service,
            w.owner AS owner,
            w.template_name AS template_name,
            w.version AS version,
            t.latest_version AS latest_version,
            t.template != '' AS known_template,
            extractGroups(w.version, semver) AS have,
            extractGroups(t.latest_version, semver) AS newest
        FROM owned AS w
        LEFT JOIN catalog_templates AS t ON t.template = w.template_name
    )
SELECT
    service,
    owner AS team,
    template_name AS template,
    version,
    latest_version,
    (toUInt32OrZero(have[1]), toUInt32OrZero(have[2]), toUInt32OrZero(have[3])) AS h,
    (toUInt32OrZero(newest[1]), toUInt32OrZero(newest[2]), toUInt32OrZero(newest[3])) AS n,
    multiIf(NOT known_template OR empty(have) OR empty(newest), 'unknown',
            h >= n, 'latest',
            h.1 < n.1, 'major_behind',
            h.2 < n.2, 'minor_behind',
            'patch_behind') AS status,
    multiIf(status = 'unknown', NULL, status = 'major_behind', toNullable(toInt32(n.1) - toInt32(h.1)), toNullable(0)) AS majors_behind,
    multiIf(status IN ('unknown', 'major_behind'), NULL, status = 'minor_behind', toNullable(toInt32(n.2) - toInt32(h.2)), toNullable(0)) AS minors_behind
FROM parsed
ORDER BY team, template, service
