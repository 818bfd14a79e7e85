-- Issue keys in pull requests (docs/metrics.md, "Issues: key → pull requests → deployment"): the one definition of
-- which Jira issue keys a pull request names, read from its title and its head branch, whatever forge or CSV/push
-- file it came from. A key is Jira's shape, a project key (a letter, then letters, digits or underscores) and an
-- issue number with no leading zero (ABC-123), standing alone: no letter or digit right before or after it
-- (ABC-123-login and [ABC-123] count, xABC-1 reads as project XABC, ABC-123a is no key). Stored upper case.
-- {projects:Array(String)}: the configured projects (Analytics:Metrics:IssueKeyProjects, upper case). Empty: a key
-- counts only as written in upper case, and not with a prefix that names a standard rather than a project
-- (UTF-8, SHA-256, ISO-8601, RFC-7231, CVE-…, TLS-1, …); non-empty: only those projects' keys count, in any case.
-- Every separator but the underscore is doubled before matching (ABC-1 reads ABC--1), so that one key's trailing
-- separator, which the match consumes, still leaves the next key its leading one (RE2 has no look-around).
CREATE VIEW IF NOT EXISTS pull_request_issue_keys AS
SELECT DISTINCT repository, number, issue_key, project
FROM
(
    SELECT
        repository,
        number,
        arrayJoin(arrayFlatten(arrayMap(matched ->
            arrayMap((project, issue) -> concat(project, '-', issue), matched[1], matched[2]),
            arrayMap(text -> extractAllGroupsHorizontal(replaceRegexpAll(text, '([^A-Za-z0-9_])', '\\1\\1'),
                '(?:^|[^A-Za-z0-9])([A-Za-z][A-Za-z0-9_]+)--([1-9][0-9]*)(?:[^A-Za-z0-9]|$)'), [title, head_branch])))) AS written,
        upper(written) AS issue_key,
        splitByChar('-', issue_key)[1] AS project
    FROM pull_requests FINAL
)
WHERE if(empty({projects:Array(String)}),
    written = issue_key AND NOT has(['UTF', 'SHA', 'MD', 'ISO', 'IEC', 'RFC', 'CVE', 'CWE', 'TLS', 'SSL', 'HTTP', 'AES', 'RSA', 'PEP', 'ES', 'ECMA', 'IEEE', 'ANSI', 'UCS', 'LATIN', 'WINDOWS', 'CP', 'X509'], project),
    has({projects:Array(String)}, project));

-- A service request's outcome (docs/metrics.md, "Self-service"): a failed scaffolder task, or a ticket resolved as
-- "Won't do", looked like a request still open, since only fulfilled_at was kept. status: open | fulfilled | failed |
-- cancelled ('' on rows stored before: fulfilled when fulfilled_at is set, else open); closed_at: when it was
-- fulfilled, failed or was cancelled (NULL while open). Failed and cancelled requests never count as fulfilled.
ALTER TABLE service_requests ADD COLUMN IF NOT EXISTS status LowCardinality(String) DEFAULT '';
ALTER TABLE service_requests ADD COLUMN IF NOT EXISTS closed_at Nullable(DateTime64(3, 'UTC'));

-- The tier a source gives an environment (GitLab's environments API: production, staging, testing, development,
-- other); '' when the source gives none. A stated tier decides production before the name rules: an environment
-- called "live" with tier production is production, one called "production-preview" with tier staging is not.
ALTER TABLE deployments ADD COLUMN IF NOT EXISTS environment_tier LowCardinality(String) DEFAULT '';

-- environment_classification (migration 0012) with the tier: the latest tier the source stated for the environment
-- (by deployment start), and is_production from it when there is one, else from the rules as before.
CREATE OR REPLACE VIEW environment_classification AS
WITH (SELECT groupArray((source, pattern, is_production)) FROM catalog_production_environments) AS rules
SELECT
    source,
    environment,
    count() AS deployments,
    max(started_at) AS last_seen_at,
    argMaxIf(environment_tier, started_at, environment_tier != '') AS tier,
    arrayFilter(rule -> (rule.1 = '' OR rule.1 = source) AND match(environment, concat('(?i)^(?:', rule.2, ')$')), rules) AS matching,
    arrayMap(rule -> rule.2, arrayFilter(rule -> rule.3, matching)) AS production_patterns,
    arrayMap(rule -> rule.2, arrayFilter(rule -> NOT rule.3, matching)) AS excluding_patterns,
    toBool(if(tier != '', tier = 'production', length(production_patterns) > 0 AND length(excluding_patterns) = 0)) AS is_production
FROM deployments FINAL
GROUP BY source, environment;
