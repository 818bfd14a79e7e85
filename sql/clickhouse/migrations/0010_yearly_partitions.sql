-- Partitions follow ClickHouse's guidance: few, for data management (dropping or moving old data), never for
-- speed; the sort key does the pruning. Monthly partitions broke real histories: a git clone or a GitHub backfill
-- spanning more than 100 months fails in one INSERT with TOO_MANY_PARTS (error 252, max_partitions_per_insert_block)
-- and every insert of a long history wrote one part per month. Now:
--   yearly      commits, pull_requests, pull_request_reviews, deployments (the tables a backfill fills with years);
--   none        incidents, survey_responses, service_requests (hundreds of rows a year) and the derived tables
--               (rebuilt whole on every refresh, so a partition would manage nothing).
-- (PARTITION BY tuple() is "none": a table made AS another keeps its partition key unless told otherwise.)
-- Each table is rebuilt beside the live one with its data and swapped in; a migration interrupted half-way runs
-- again from the start without losing rows (the copy is dropped before it is made, and the swap is atomic).
-- Inserts may still span any number of years: see TsvRowWriter.InsertStatement for the setting every bulk
-- insert carries, and why.

DROP TABLE IF EXISTS commits__repartitioned;
CREATE TABLE commits__repartitioned AS commits
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYear(committed_at)
ORDER BY (repository, toDate(committed_at), sha);
INSERT INTO commits__repartitioned SELECT * FROM commits SETTINGS max_partitions_per_insert_block = 0;
EXCHANGE TABLES commits AND commits__repartitioned;
DROP TABLE commits__repartitioned;

DROP TABLE IF EXISTS pull_requests__repartitioned;
CREATE TABLE pull_requests__repartitioned AS pull_requests
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYear(opened_at)
ORDER BY (repository, toDate(opened_at), number);
INSERT INTO pull_requests__repartitioned SELECT * FROM pull_requests SETTINGS max_partitions_per_insert_block = 0;
EXCHANGE TABLES pull_requests AND pull_requests__repartitioned;
DROP TABLE pull_requests__repartitioned;

DROP TABLE IF EXISTS pull_request_reviews__repartitioned;
CREATE TABLE pull_request_reviews__repartitioned AS pull_request_reviews
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYear(submitted_at)
ORDER BY (repository, toDate(submitted_at), number, review_id);
INSERT INTO pull_request_reviews__repartitioned SELECT * FROM pull_request_reviews SETTINGS max_partitions_per_insert_block = 0;
EXCHANGE TABLES pull_request_reviews AND pull_request_reviews__repartitioned;
DROP TABLE pull_request_reviews__repartitioned;

DROP TABLE IF EXISTS deployments__repartitioned;
CREATE TABLE deployments__repartitioned AS deployments
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYear(started_at)
ORDER BY (service, toDate(started_at), deployment_id);
INSERT INTO deployments__repartitioned SELECT * FROM deployments SETTINGS max_partitions_per_insert_block = 0;
EXCHANGE TABLES deployments AND deployments__repartitioned;
DROP TABLE deployments__repartitioned;

DROP TABLE IF EXISTS incidents__repartitioned;
CREATE TABLE incidents__repartitioned AS incidents
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY tuple()
ORDER BY (service, toDate(started_at), incident_id);
INSERT INTO incidents__repartitioned SELECT * FROM incidents SETTINGS max_partitions_per_insert_block = 0;
EXCHANGE TABLES incidents AND incidents__repartitioned;
DROP TABLE incidents__repartitioned;

DROP TABLE IF EXISTS survey_responses__repartitioned;
CREATE TABLE survey_responses__repartitioned AS survey_responses
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY tuple()
ORDER BY (team, toDate(answered_at), survey_id, question, respondent_hash);
INSERT INTO survey_responses__repartitioned SELECT * FROM survey_responses SETTINGS max_partitions_per_insert_block = 0;
EXCHANGE TABLES survey_responses AND survey_responses__repartitioned;
DROP TABLE survey_responses__repartitioned;

DROP TABLE IF EXISTS service_requests__repartitioned;
CREATE TABLE service_requests__repartitioned AS service_requests
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY tuple()
ORDER BY (team, toDate(requested_at), request_id);
INSERT INTO service_requests__repartitioned SELECT * FROM service_requests SETTINGS max_partitions_per_insert_block = 0;
EXCHANGE TABLES service_requests AND service_requests__repartitioned;
DROP TABLE service_requests__repartitioned;

DROP TABLE IF EXISTS production_deployments__repartitioned;
CREATE TABLE production_deployments__repartitioned AS production_deployments
ENGINE = MergeTree
PARTITION BY tuple()
ORDER BY (team, toDate(finished_at), service, deployment_id);
INSERT INTO production_deployments__repartitioned SELECT * FROM production_deployments SETTINGS max_partitions_per_insert_block = 0;
EXCHANGE TABLES production_deployments AND production_deployments__repartitioned;
DROP TABLE production_deployments__repartitioned;

DROP TABLE IF EXISTS commit_shipments__repartitioned;
CREATE TABLE commit_shipments__repartitioned AS commit_shipments
ENGINE = MergeTree
PARTITION BY tuple()
ORDER BY (owner, toDate(deployed_at), repository, sha);
INSERT INTO commit_shipments__repartitioned SELECT * FROM commit_shipments SETTINGS max_partitions_per_insert_block = 0;
EXCHANGE TABLES commit_shipments AND commit_shipments__repartitioned;
DROP TABLE commit_shipments__repartitioned;

DROP TABLE IF EXISTS attributed_pull_requests__repartitioned;
CREATE TABLE attributed_pull_requests__repartitioned AS attributed_pull_requests
ENGINE = MergeTree
PARTITION BY tuple()
ORDER BY (team, toDate(opened_at), repository, number);
INSERT INTO attributed_pull_requests__repartitioned SELECT * FROM attributed_pull_requests SETTINGS max_partitions_per_insert_block = 0;
EXCHANGE TABLES attributed_pull_requests AND attributed_pull_requests__repartitioned;
DROP TABLE attributed_pull_requests__repartitioned;

DROP TABLE IF EXISTS failed_production_attempts__repartitioned;
CREATE TABLE failed_production_attempts__repartitioned AS failed_production_attempts
ENGINE = MergeTree
PARTITION BY tuple()
ORDER BY (team, toDate(started_at), deployment_id);
INSERT INTO failed_production_attempts__repartitioned SELECT * FROM failed_production_attempts SETTINGS max_partitions_per_insert_block = 0;
EXCHANGE TABLES failed_production_attempts AND failed_production_attempts__repartitioned;
DROP TABLE failed_production_attempts__repartitioned;

DROP TABLE IF EXISTS attributed_incidents__repartitioned;
CREATE TABLE attributed_incidents__repartitioned AS attributed_incidents
ENGINE = MergeTree
PARTITION BY tuple()
ORDER BY (team, toDate(started_at), incident_id);
INSERT INTO attributed_incidents__repartitioned SELECT * FROM attributed_incidents SETTINGS max_partitions_per_insert_block = 0;
EXCHANGE TABLES attributed_incidents AND attributed_incidents__repartitioned;
DROP TABLE attributed_incidents__repartitioned;

-- The staging copies derived refreshes fill (DerivedTablesStore) were made AS the old tables, partitions and all;
-- dropped so the next refresh makes them again from the new layout (a refresh truncates them, they hold nothing).
DROP TABLE IF EXISTS production_deployments__next;
DROP TABLE IF EXISTS commit_shipments__next;
DROP TABLE IF EXISTS attributed_pull_requests__next;
DROP TABLE IF EXISTS failed_production_attempts__next;
DROP TABLE IF EXISTS attributed_incidents__next;
