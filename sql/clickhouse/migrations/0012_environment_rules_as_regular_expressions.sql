-- Environment rules are regular expressions (RE2) matched against the whole environment name, ignoring case,
-- and a rule may say "not production" (is_production = false), which wins over a production rule: the default
-- production rule catches prod-eu and eu-prod, its companion keeps pre-prod and non-prod out (RE2 has no
-- look-around, so an exception is a rule of its own). The catalog (SQLite) converted its LIKE rules when it
-- migrated; this mirror receives all rules, production or not, at the next catalog sync.
ALTER TABLE catalog_production_environments ADD COLUMN IF NOT EXISTS is_production Bool DEFAULT true;

-- The one classification of environment names: every (source, environment) deployments were seen with, the rules
-- that match it, and the verdict. production_deployments and failed_production_attempts keep only what it calls
-- production; the admin page (queries/admin/environment_names.sql) shows it as it is.
CREATE OR REPLACE VIEW environment_classification AS
WITH (SELECT groupArray((source, pattern, is_production)) FROM catalog_production_environments) AS rules
SELECT
    source,
    environment,
    count() AS deployments,
    max(started_at) AS last_seen_at,
    arrayFilter(rule -> (rule.1 = '' OR rule.1 = source) AND match(environment, concat('(?i)^(?:', rule.2, ')$')), rules) AS matching,
    arrayMap(rule -> rule.2, arrayFilter(rule -> rule.3, matching)) AS production_patterns,
    arrayMap(rule -> rule.2, arrayFilter(rule -> NOT rule.3, matching)) AS excluding_patterns,
    toBool(length(production_patterns) > 0 AND length(excluding_patterns) = 0) AS is_production
FROM deployments FINAL
GROUP BY source, environment;
