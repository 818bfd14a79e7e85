-- What a reader (Grafana, Explore, ad-hoc SQL) may read in a ClickHouse server set-up: SELECT on the tables and views
-- listed below, in database `analytics`, through the role analytics_reader. A server set-up runs this after the app's
-- migrations as a user with access management (docker-compose.yml: the clickhouse-grants one-shot) and grants the
-- role to its read-only user:
--     GRANT analytics_reader TO <reader user>;  SET DEFAULT ROLE analytics_reader TO <reader user>;
-- Tables are granted one by one, never `analytics.*`: a table added later is not readable until listed here.
-- tests/Analytics.Storage.Tests/ClickHouse/ReaderGrantsTests.cs fails when a migrated table is neither granted here nor
-- named on a "-- withheld:" line, so every new table gets a decision.
--
-- withheld: survey_responses (raw answers: one row per respondent, question and wave; survey figures reach readers
-- only through the app, after the privacy rules of docs/metrics.md)
-- withheld: schema_migrations (bookkeeping of the app's own migrations)
-- withheld: schema_migration_steps (bookkeeping of the statements done of a migration a kill interrupted)
-- withheld: github_webhook_deliveries (bookkeeping of the GitHub webhook deliveries applied: ids, no figures)
-- withheld: deliveries (the scheduled deliveries' log: hashed recipients and their masked labels, no figures)

CREATE ROLE IF NOT EXISTS analytics_reader;
REVOKE ALL ON *.* FROM analytics_reader;

GRANT SELECT ON analytics.attributed_incidents TO analytics_reader;
GRANT SELECT ON analytics.attributed_pull_requests TO analytics_reader;
GRANT SELECT ON analytics.attributed_reviews TO analytics_reader;
GRANT SELECT ON analytics.catalog_identities TO analytics_reader;
GRANT SELECT ON analytics.catalog_production_environments TO analytics_reader;
GRANT SELECT ON analytics.catalog_service_ownership TO analytics_reader;
GRANT SELECT ON analytics.catalog_service_templates TO analytics_reader;
GRANT SELECT ON analytics.catalog_services TO analytics_reader;
GRANT SELECT ON analytics.catalog_team_membership TO analytics_reader;
GRANT SELECT ON analytics.catalog_templates TO analytics_reader;
GRANT SELECT ON analytics.commit_paths TO analytics_reader;
GRANT SELECT ON analytics.commit_shipments TO analytics_reader;
GRANT SELECT ON analytics.commits TO analytics_reader;
GRANT SELECT ON analytics.deployment_commits TO analytics_reader;
GRANT SELECT ON analytics.deployment_failure_evidence TO analytics_reader;
GRANT SELECT ON analytics.deployment_environments TO analytics_reader;
GRANT SELECT ON analytics.deployment_failures TO analytics_reader;
GRANT SELECT ON analytics.deployments TO analytics_reader;
GRANT SELECT ON analytics.derived_refreshes TO analytics_reader;
GRANT SELECT ON analytics.environment_classification TO analytics_reader;
GRANT SELECT ON analytics.failed_production_attempts TO analytics_reader;
GRANT SELECT ON analytics.first_shipments TO analytics_reader;
GRANT SELECT ON analytics.incidents TO analytics_reader;
GRANT SELECT ON analytics.production_deployments TO analytics_reader;
GRANT SELECT ON analytics.pull_request_commits TO analytics_reader;
GRANT SELECT ON analytics.pull_request_issue_keys TO analytics_reader;
GRANT SELECT ON analytics.pull_request_reviews TO analytics_reader;
GRANT SELECT ON analytics.pull_request_shipments TO analytics_reader;
GRANT SELECT ON analytics.pull_requests TO analytics_reader;
GRANT SELECT ON analytics.service_repositories TO analytics_reader;
GRANT SELECT ON analytics.service_requests TO analytics_reader;
GRANT SELECT ON analytics.settings_hotfix_rules TO analytics_reader;
GRANT SELECT ON analytics.survey_wave_closures TO analytics_reader;
