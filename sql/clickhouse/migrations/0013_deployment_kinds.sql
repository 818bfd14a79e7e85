-- Deployment kinds from what the data shows (docs/metrics.md, "Deployment kinds"). The pulling sources (git tags,
-- GitHub deployments, releases and workflow runs) stored kind 'normal' for everything, so rework read 0% and
-- rollbacks and hotfixes never counted as failures unless a CSV or push said so. Now a source that does not know a
-- deployment's kind stores '' (not stated), and the derived table production_deployments works the kind out:
-- a rollback (a sha an earlier production deployment of the service already shipped), a revert (a shipped revert
-- commit or revert pull request), a hotfix (branch, tag or label rules, table settings_hotfix_rules), else
-- normal, or 'unknown' when the repository has no commit data to tell. A stated kind still wins.

-- The branch or tag the source deployed (refs/heads/… or refs/tags/…, or a bare name when the source does not say
-- which): what the hotfix branch and tag rules read.
ALTER TABLE deployments ADD COLUMN IF NOT EXISTS ref String DEFAULT '';

-- The shas a commit's message says it reverts ("This reverts commit <sha>." lines, git's and GitHub's text); the
-- message column keeps the subject only.
ALTER TABLE commits ADD COLUMN IF NOT EXISTS reverts Array(String) DEFAULT [];

-- What the hotfix and revert rules read from a pull request: the branch it came from, and its labels.
ALTER TABLE pull_requests ADD COLUMN IF NOT EXISTS head_branch String DEFAULT '';
ALTER TABLE pull_requests ADD COLUMN IF NOT EXISTS labels Array(String) DEFAULT [];

-- Rows the pulling sources wrote before: their 'normal' was never stated, only defaulted. (GitHub releases share
-- the git tags' id shape; a release row written before this migration keeps 'normal' until it is synced again.)
ALTER TABLE deployments UPDATE kind = '' WHERE kind = 'normal'
    AND (source = 'git' OR startsWith(deployment_id, 'github-deployment-') OR startsWith(deployment_id, 'github-run-'))
SETTINGS mutations_sync = 2;

-- The hotfix rules of configuration (Analytics:Metrics:HotfixBranchPattern, HotfixTagPattern, HotfixLabelPattern),
-- mirrored at start-up (HotfixRulesSync) so the derived table can read them; applies_to: branch | tag | label.
-- Holds the documented defaults until then. An empty pattern is no rule.
CREATE TABLE IF NOT EXISTS settings_hotfix_rules
(
    applies_to  LowCardinality(String),
    pattern     String
)
ENGINE = MergeTree
ORDER BY (applies_to, pattern);

INSERT INTO settings_hotfix_rules (applies_to, pattern)
SELECT applies_to, pattern FROM values('applies_to String, pattern String',
    ('branch', '(?i)^hot-?fix(es)?[/_-]'),
    ('tag', '(?i)hot-?fix'),
    ('label', '(?i)^(type: ?)?hot-?fix$'))
WHERE (SELECT count() FROM settings_hotfix_rules) = 0;

-- production_deployments gains the evidence behind each kind. The staging copy a refresh fills is made AS the live
-- table, so it is dropped to be made again with the new column.
ALTER TABLE production_deployments ADD COLUMN IF NOT EXISTS kind_evidence String DEFAULT '';
DROP TABLE IF EXISTS production_deployments__next;
