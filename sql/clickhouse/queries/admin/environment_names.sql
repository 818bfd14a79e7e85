-- For the admin page: every environment name deployments were seen with, per source, and how the catalog's rules
-- classify it (view environment_classification, the same definition the metrics use), so a rule that misses
-- "Production" or catches "pre-prod" shows before it skews a quarter's figures. tier: the tier the source stated
-- (GitLab), which decides before the rules; '' when none.
-- No parameters.
SELECT source, environment, deployments, last_seen_at, tier, is_production, production_patterns, excluding_patterns
FROM environment_classification
ORDER BY source, is_production DESC, deployments DESC, environment
