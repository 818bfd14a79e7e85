-- The team page's Issues tab (docs/metrics.md, "Issues: key → pull requests → deployment"): each Jira issue key the
-- team's pull requests name (view pull_request_issue_keys, migration 0025, {projects:Array(String)}), one row per pull
-- request, with the production deployment that first shipped its merge or squash commit (derived table pull_request_shipments, the same
-- shipments as lead time per pull request). A pull request is the team's as attributed_pull_requests has it.
-- Per issue: shipped_at = the last of its merged pull requests' first shipments, once every merged one has shipped
-- (NULL while one has not, or none is merged); lead_seconds = shipped_at − the earliest first commit of its pull
-- requests (NULL when not shipped, no first commit is known, or the first commit is after the shipment).
-- Listed: the issues shipped in [from, to), and those not shipped whose latest pull request was opened in [from, to).
-- Newest shipment first, then unshipped ones. Paged: {limit:UInt32} rows from {offset:UInt32}; total_rows is how many
-- rows there are in all and issue_keys how many distinct issues they are (the tab's count), both from the same read.
-- Only the team's pull requests' keys and merge commits' shipments are read (team_pull_requests): an issue's figures
-- come from the team's pull requests alone, so the rest of the organisation's rows could only be joined away (reading
-- them all took 1.7 s at scale L; IssueListingOracleTests compares with that whole read).
WITH team_pull_requests AS
(
    SELECT repository, number, title, url, opened_at, first_commit_at, merged_at, merge_sha
    FROM attributed_pull_requests
    WHERE team = {team:String}
)
SELECT
    issue_key, repository, number, title, url, opened_at, first_commit_at, merged_at, deployment_id, deployed_at,
    issue_shipped_at, issue_lead_seconds,
    count() OVER () AS total_rows,
    uniqExact(issue_key) OVER () AS issue_keys
FROM
(
    SELECT
        *,
        countIf(merged_at IS NOT NULL) OVER issue AS merged_pull_requests,
        countIf(deployed_at IS NOT NULL) OVER issue AS shipped_pull_requests,
        max(deployed_at) OVER issue AS last_shipment,
        min(first_commit_at) OVER issue AS issue_first_commit_at,
        max(opened_at) OVER issue AS last_opened_at,
        if(merged_pull_requests > 0 AND shipped_pull_requests = merged_pull_requests, last_shipment, NULL) AS issue_shipped_at,
        if(issue_shipped_at IS NULL OR issue_first_commit_at IS NULL OR issue_first_commit_at > issue_shipped_at, NULL,
            dateDiff('millisecond', assumeNotNull(issue_first_commit_at), assumeNotNull(issue_shipped_at)) / 1000.0) AS issue_lead_seconds
    FROM
    (
        SELECT
            k.issue_key AS issue_key,
            p.repository AS repository,
            p.number AS number,
            p.title AS title,
            p.url AS url,
            p.opened_at AS opened_at,
            p.first_commit_at AS first_commit_at,
            p.merged_at AS merged_at,
            s.first_deployment_id AS deployment_id,
            if(s.first_deployment_id = '', NULL, s.first_deployed_at) AS deployed_at
        FROM
        (
            SELECT repository, number, issue_key
            FROM pull_request_issue_keys(projects = {projects:Array(String)})
            WHERE (repository, number) IN (SELECT repository, number FROM team_pull_requests)
        ) AS k
        INNER JOIN team_pull_requests AS p ON p.repository = k.repository AND p.number = k.number
        LEFT JOIN
        (
            -- A commit a monorepo's services got by their paths ships once per service: the first of them.
            SELECT repository, sha, argMin(deployment_id, (deployed_at, deployment_id)) AS first_deployment_id, min(deployed_at) AS first_deployed_at
            FROM pull_request_shipments
            WHERE (repository, sha) IN (SELECT repository, merge_sha FROM team_pull_requests)
            GROUP BY repository, sha
        ) AS s ON s.repository = p.repository AND s.sha = p.merge_sha
    )
    WINDOW issue AS (PARTITION BY issue_key)
)
WHERE if(issue_shipped_at IS NULL,
    last_opened_at >= {from:DateTime64(3, 'UTC')} AND last_opened_at < {to:DateTime64(3, 'UTC')},
    issue_shipped_at >= {from:DateTime64(3, 'UTC')} AND issue_shipped_at < {to:DateTime64(3, 'UTC')})
ORDER BY issue_shipped_at IS NULL, issue_shipped_at DESC, issue_key, repository, number
LIMIT {limit:UInt32} OFFSET {offset:UInt32}
