-- pull_request_issue_keys (migration 0018), the same rows, written so that a reader's filter on the pull request
-- (repository, number) reaches the read of pull_requests: the keys are extracted into an array per pull request and
-- only then split into rows (ARRAY JOIN). With the split inside the extracting SELECT (arrayJoin), ClickHouse kept a
-- reader's filter above it, so the team page's Issues tab (pr/issues.sql) ran both regular expressions over every pull
-- request of the organisation (1.4 s at scale L) to keep one team's; now it reads that team's pull requests only.
-- The rules are 0018's, unchanged (docs/metrics.md, "Issues: key → pull requests → deployment"): a key is Jira's shape, a
-- project key (a letter, then letters, digits or underscores) and an issue number with no leading zero, standing alone;
-- stored upper case. {projects:Array(String)} empty: only as written in upper case and not a standard's prefix;
-- non-empty: only those projects' keys, in any case. Separators but the underscore are doubled before matching (ABC-1
-- reads ABC--1) so that one key's trailing separator still leaves the next key its leading one (RE2 has no look-around).
CREATE OR REPLACE VIEW pull_request_issue_keys AS
SELECT DISTINCT repository, number, issue_key, project
FROM
(
    SELECT repository, number, written, upper(written) AS issue_key, splitByChar('-', issue_key)[1] AS project
    FROM
    (
        SELECT
            repository,
            number,
            arrayFlatten(arrayMap(matched ->
                arrayMap((project, issue) -> concat(project, '-', issue), matched[1], matched[2]),
                arrayMap(text -> extractAllGroupsHorizontal(replaceRegexpAll(text, '([^A-Za-z0-9_])', '\\1\\1'),
                    '(?:^|[^A-Za-z0-9])([A-Za-z][A-Za-z0-9_]+)--([1-9][0-9]*)(?:[^A-Za-z0-9]|$)'), [title, head_branch]))) AS keys
        FROM pull_requests FINAL
    )
    ARRAY JOIN keys AS written
)
WHERE if(empty({projects:Array(String)}),
    written = issue_key AND NOT has(['UTF', 'SHA', 'MD', 'ISO', 'IEC', 'RFC', 'CVE', 'CWE', 'TLS', 'SSL', 'HTTP', 'AES', 'RSA', 'PEP', 'ES', 'ECMA', 'IEEE', 'ANSI', 'UCS', 'LATIN', 'WINDOWS', 'CP', 'X509'], project),
    has({projects:Array(String)}, project));
