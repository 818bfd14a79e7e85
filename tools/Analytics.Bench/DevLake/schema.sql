-- The Apache DevLake domain-layer tables the DORA dashboard reads, with the columns its queries and its dora plugin
-- use, written for this benchmark (not copied) after the gorm models of apache/incubator-devlake at commit
-- 420e494b4ede9a16c4bfb59de099c797bcd7f5f1 (2026-05-05):
--   backend/core/models/domainlayer/devops/cicd_deployment_commit.go             -> cicd_deployment_commits
--   backend/core/models/domainlayer/code/pull_request.go                         -> pull_requests
--   backend/core/models/domainlayer/crossdomain/project_pr_metric.go             -> project_pr_metrics
--   backend/core/models/domainlayer/ticket/incident.go                           -> incidents
--   backend/core/models/domainlayer/crossdomain/project_incident_deployment_relationship.go
--                                                                                -> project_incident_deployment_relationships
--   backend/core/models/domainlayer/crossdomain/project_mapping.go               -> project_mapping
--   backend/core/models/migrationscripts/20230511_add_calendar_months.go         -> calendar_months
-- Keys and indexes are the models' (gorm primaryKey and index tags), gorm's datetime(3) for time.Time, varchar(255)
-- where a tag gives no size. Columns the dashboard and the dora plugin never read (titles, urls, authors, …) are left out.
CREATE TABLE cicd_deployment_commits
(
    id                                varchar(255) NOT NULL,
    cicd_scope_id                     varchar(255),
    cicd_deployment_id                varchar(255),
    result                            varchar(100),
    status                            varchar(100),
    environment                       varchar(255),
    created_date                      datetime(3),
    started_date                      datetime(3),
    finished_date                     datetime(3),
    commit_sha                        varchar(255) NOT NULL,
    repo_id                           varchar(255),
    repo_url                          varchar(255) NOT NULL,
    prev_success_deployment_commit_id varchar(255),
    PRIMARY KEY (id, commit_sha),
    INDEX idx_cicd_deployment_commits_cicd_scope_id (cicd_scope_id),
    INDEX idx_cicd_deployment_commits_repo_url (repo_url)
);

CREATE TABLE pull_requests
(
    id               varchar(255) NOT NULL,
    base_repo_id     varchar(255),
    head_repo_id     varchar(255),
    status           varchar(100),
    pull_request_key int,
    created_date     datetime(3),
    merged_date      datetime(3),
    merge_commit_sha varchar(40),
    PRIMARY KEY (id),
    INDEX idx_pull_requests_base_repo_id (base_repo_id),
    INDEX idx_pull_requests_head_repo_id (head_repo_id)
);

CREATE TABLE project_pr_metrics
(
    id                         varchar(255) NOT NULL,
    project_name               varchar(100) NOT NULL,
    first_commit_sha           varchar(255),
    pr_coding_time             bigint,
    deployment_commit_id       varchar(255),
    pr_deploy_time             bigint,
    pr_cycle_time              bigint,
    first_commit_authored_date datetime(3),
    pr_created_date            datetime(3),
    pr_merged_date             datetime(3),
    pr_deployed_date           datetime(3),
    PRIMARY KEY (id, project_name)
);

CREATE TABLE incidents
(
    id                varchar(255) NOT NULL,
    incident_key      varchar(255),
    status            varchar(100),
    created_date      datetime(3),
    resolution_date   datetime(3),
    lead_time_minutes int unsigned,
    `table`           varchar(255),
    scope_id          varchar(255),
    PRIMARY KEY (id),
    INDEX idx_table_scope_id (`table`, scope_id)
);

CREATE TABLE project_incident_deployment_relationships
(
    id            varchar(255) NOT NULL,
    project_name  varchar(100) NOT NULL,
    deployment_id varchar(255),
    PRIMARY KEY (id, project_name)
);

CREATE TABLE project_mapping
(
    project_name varchar(255) NOT NULL,
    `table`      varchar(255) NOT NULL,
    row_id       varchar(255) NOT NULL,
    PRIMARY KEY (project_name, `table`, row_id)
);

CREATE TABLE calendar_months
(
    month           varchar(20) NOT NULL,
    month_timestamp timestamp NULL,
    PRIMARY KEY (month)
);
