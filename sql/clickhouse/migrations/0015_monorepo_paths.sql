-- Monorepos: a service may own paths of the repository it shares with other services, and a commit is then
-- attributed to the services whose paths it touches (docs/metrics.md, "Monorepos").

-- The catalog's paths per service (Service.Paths); empty = the whole repository.
ALTER TABLE catalog_services ADD COLUMN IF NOT EXISTS paths Array(String);

-- The files each commit changed against its first parent (a rename lists the old and the new path), for the
-- commits whose changes a source read: every commit of a git clone, and a GitHub repository's commits when
-- its source asks for them (one request per commit). A commit without a row has unknown paths. Kept apart from
-- commits so that a source re-reading a commit without its files never blanks the paths read before.
CREATE TABLE IF NOT EXISTS commit_paths
(
    repository   LowCardinality(String),
    sha          String,
    paths        Array(String),
    source       LowCardinality(String),
    ingested_at  DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(ingested_at)
ORDER BY (repository, sha);

-- Whether the link is the service's because the commit touches the service's paths (DeploymentLinker). Such a
-- commit is a change of that service: its first shipment is counted per service, not per repository.
ALTER TABLE deployment_commits ADD COLUMN IF NOT EXISTS touches_paths Bool DEFAULT false;
