-- Production deployments: status success, finished, to an environment the catalog rules call production (view
-- environment_classification; a rule with source '' applies to every source). team = the service's owner when the deployment finished; a service
-- without an owner at that time is 'unassigned', never dropped.
-- kind: the kind the source stated (normal, hotfix, rollback or revert) wins; a source that stated none ('') gets
-- the first of these the data shows (docs/metrics.md, "Deployment kinds"), kind_evidence saying which:
--   rollback  sha_shipped_by:<id>        an earlier production deployment of the service to the same environment
--                                        shipped this sha, and the one just before it deployed another sha; it
--                                        repairs that one (related_deployment_id);
--   hotfix    hotfix_branch|tag|label:<name>  the deployed ref, a shipped merge's branch or a shipped pull
--                                        request's branch or label matches a rule of settings_hotfix_rules; it
--                                        repairs the previous production deployment to the same environment;
--   revert    revert_commit:<sha> | revert_pull_request:<repository>#<number>  it shipped a revert commit
--                                        ('Revert "…"', "This reverts commit …") or a revert pull request;
--   normal    none of these, the repository having commit data to tell;
--   unknown   no_commit_data: none of these, and no commit of the repository is stored, so nothing could tell.
-- Sources: deployments, deployment_environments, catalog_production_environments, catalog_service_ownership, deployment_commits, commits, pull_requests, settings_hotfix_rules.
-- Scope: service
WITH
    (SELECT groupArrayIf(pattern, applies_to = 'branch' AND pattern != '') FROM settings_hotfix_rules) AS hotfix_branch_rules,
    (SELECT groupArrayIf(pattern, applies_to = 'tag' AND pattern != '') FROM settings_hotfix_rules) AS hotfix_tag_rules,
    (SELECT groupArrayIf(pattern, applies_to = 'label' AND pattern != '') FROM settings_hotfix_rules) AS hotfix_label_rules,
    (SELECT groupUniqArray(repository) FROM commits WHERE $in_repositories(repository)) AS repositories_with_commits
SELECT
    p.deployment_id AS deployment_id,
    p.service AS service,
    p.environment AS environment,
    multiIf(p.kind != '', p.kind, p.detected_kind != '', p.detected_kind, has(repositories_with_commits, p.repository), 'normal', 'unknown') AS kind,
    if(p.kind != '', p.related_deployment_id, p.detected_related) AS related_deployment_id,
    p.repository AS repository,
    p.sha AS sha,
    p.started_at AS started_at,
    p.finished_at AS finished_at,
    p.url AS url,
    p.source AS source,
    p.team AS team,
    multiIf(p.kind != '', 'stated', p.detected_kind != '', p.detected_evidence, has(repositories_with_commits, p.repository), '', 'no_commit_data') AS kind_evidence
FROM
(
    SELECT
        d.*,
        if(d.sha != '' AND d.first_shipper != d.deployment_id AND d.previous_sha != d.sha, d.previous_id, '') AS rollback_of,
        replaceRegexpOne(d.ref, '^refs/(heads|tags)/', '') AS ref_name,
        -- The deployed ref first: refs/heads/<branch> meets the branch rules, refs/tags/<tag> the tag rules, a bare name both.
        multiIf(
            d.ref != '' AND NOT startsWith(d.ref, 'refs/tags/') AND arrayExists(rule -> match(ref_name, rule), hotfix_branch_rules), concat('hotfix_branch:', ref_name),
            d.ref != '' AND NOT startsWith(d.ref, 'refs/heads/') AND arrayExists(rule -> match(ref_name, rule), hotfix_tag_rules), concat('hotfix_tag:', ref_name),
            f.shipped_hotfix) AS hotfix_evidence,
        multiIf(rollback_of != '', 'rollback', hotfix_evidence != '', 'hotfix', f.shipped_revert != '', 'revert', '') AS detected_kind,
        multiIf(rollback_of != '', rollback_of, hotfix_evidence != '', d.previous_id, '') AS detected_related,
        multiIf(rollback_of != '', concat('sha_shipped_by:', d.first_shipper), hotfix_evidence != '', hotfix_evidence, f.shipped_revert) AS detected_evidence
    FROM
    (
        SELECT
            d.*,
            -- Ordered by finish, then id, so ties have one order: the deployment just before to the same environment,
            -- and the first one that shipped the same sha there.
            lagInFrame(d.sha, 1, '') OVER by_finish AS previous_sha,
            lagInFrame(d.deployment_id, 1, '') OVER by_finish AS previous_id,
            first_value(d.deployment_id) OVER (PARTITION BY d.service, d.environment, d.sha ORDER BY d.finished_at, d.deployment_id
                ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS first_shipper
        FROM
        (
            SELECT
                d.deployment_id AS deployment_id, d.service AS service, d.environment AS environment, d.kind AS kind,
                d.related_deployment_id AS related_deployment_id, d.repository AS repository, d.sha AS sha, d.ref AS ref,
                d.started_at AS started_at, d.finished AS finished_at, d.url AS url, d.source AS source,
                if(o.team = '' OR (o.valid_to IS NOT NULL AND d.finished >= o.valid_to), 'unassigned', o.team) AS team
            FROM
            (
                SELECT *, assumeNotNull(finished_at) AS finished
                FROM deployments FINAL
                WHERE status = 'success' AND finished_at IS NOT NULL AND $in_services(service)
            ) AS d
            ASOF LEFT JOIN catalog_service_ownership AS o ON d.service = o.service AND d.finished >= o.valid_from
            -- environment_classification (migrations 0012, 0024; over deployment_environments) is the one definition of which environments are production.
            WHERE (d.source, d.environment) IN (SELECT source, environment FROM environment_classification WHERE is_production)
        ) AS d
        WINDOW by_finish AS (PARTITION BY d.service, d.environment ORDER BY d.finished_at, d.deployment_id
            ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
    ) AS d
    LEFT JOIN
    (
        -- What each deployment shipped says about it: branches (merge subjects, pull requests), labels, reverts.
        SELECT
            s.deployment_id AS deployment_id,
            arrayFirst(x -> x != '', arraySort(groupArray(s.hotfix))) AS shipped_hotfix,
            arrayFirst(x -> x != '', arraySort(groupArray(s.revert))) AS shipped_revert
        FROM
        (
            SELECT
                dc.deployment_id AS deployment_id,
                [extract(c.message, '^Merge pull request #[0-9]+ from [^/ ]+/([^ ]+)'), extract(c.message, '^Merge branch \'([^\']+)\''), pr.head_branch] AS branches,
                arrayFirst(b -> b != '' AND arrayExists(rule -> match(b, rule), hotfix_branch_rules), branches) AS hotfix_branch,
                arrayFirst(l -> arrayExists(rule -> match(l, rule), hotfix_label_rules), pr.labels) AS hotfix_label,
                multiIf(hotfix_branch != '', concat('hotfix_branch:', hotfix_branch), hotfix_label != '', concat('hotfix_label:', hotfix_label), '') AS hotfix,
                multiIf(
                    startsWith(c.message, 'Revert "') OR notEmpty(c.reverts) OR match(branches[1], '^revert-[0-9]+-'), concat('revert_commit:', dc.sha),
                    pr.number != 0 AND (startsWith(pr.title, 'Revert "') OR match(pr.head_branch, '^revert-[0-9]+-')), concat('revert_pull_request:', dc.repository, '#', toString(pr.number)),
                    '') AS revert
            FROM (SELECT deployment_id, repository, sha FROM deployment_commits FINAL WHERE $in_services(service)) AS dc
            INNER JOIN (SELECT repository, sha, message, reverts FROM commits FINAL WHERE $in_repositories(repository)) AS c ON c.repository = dc.repository AND c.sha = dc.sha
            LEFT JOIN
            (
                SELECT repository, merge_sha, number, title, head_branch, labels FROM pull_requests FINAL WHERE merge_sha != '' AND $in_repositories(repository)
            ) AS pr ON pr.repository = dc.repository AND pr.merge_sha = dc.sha
        ) AS s
        GROUP BY s.deployment_id
    ) AS f ON f.deployment_id = d.deployment_id
) AS p
