-- Read-only copies of the catalog (EF Core SQLite is the source of truth), replaced whole by CatalogMirror
-- after every catalog change. Metric SQL joins these to attribute events to teams at the event's time.
-- A table rather than a dictionary over SQLite: a ClickHouse server or cluster cannot read the app's
-- SQLite file, and a table works the same on both transports. valid_to is exclusive; NULL = still valid.

CREATE TABLE IF NOT EXISTS catalog_service_ownership
(
    service      LowCardinality(String),
    team         LowCardinality(String),
    valid_from   DateTime64(3, 'UTC'),
    valid_to     Nullable(DateTime64(3, 'UTC'))
)
ENGINE = MergeTree
ORDER BY (service, valid_from);

CREATE TABLE IF NOT EXISTS catalog_team_membership
(
    person_id    String,
    team         LowCardinality(String),
    valid_from   DateTime64(3, 'UTC'),
    valid_to     Nullable(DateTime64(3, 'UTC'))
)
ENGINE = MergeTree
ORDER BY (team, person_id, valid_from);

-- kind: git_email | github_login.
CREATE TABLE IF NOT EXISTS catalog_identities
(
    person_id    String,
    kind         LowCardinality(String),
    value        String,
    is_bot       Bool
)
ENGINE = MergeTree
ORDER BY (kind, value);

CREATE TABLE IF NOT EXISTS catalog_service_templates
(
    service           LowCardinality(String),
    template          LowCardinality(String),
    template_version  String,
    valid_from        DateTime64(3, 'UTC'),
    valid_to          Nullable(DateTime64(3, 'UTC'))
)
ENGINE = MergeTree
ORDER BY (service, valid_from);

-- pattern is a ClickHouse LIKE pattern matched against deployments.environment; '' source = every source.
CREATE TABLE IF NOT EXISTS catalog_production_environments
(
    source       LowCardinality(String),
    pattern      String
)
ENGINE = MergeTree
ORDER BY (source, pattern);
