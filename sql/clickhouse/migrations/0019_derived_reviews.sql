-- Reviews attributed to teams become a derived table (definition: sql/clickhouse/derived/attributed_reviews.sql),
-- refreshed after writes like the tables of 0008/0009. As the view of 0006, every SPACE activity and collaboration
-- figure re-read all reviews with FINAL and repeated the identity and membership joins: 5–8 s per request at
-- scale L, and the platform PM dashboard, which shows both, 15 s (docs/benchmarks.md).
-- The queries keep the name; the columns are the view's. Sorted, like the other derived tables, by team first
-- (the pull request's: a review sits beside its pull request on a cluster) and then by the day it was submitted,
-- which every query filters on.
DROP VIEW IF EXISTS attributed_reviews;

CREATE TABLE IF NOT EXISTS attributed_reviews
(
    repository         LowCardinality(String),
    number             UInt32,
    review_id          String,
    reviewer_login     String,
    reviewer_is_bot    Bool,
    state              LowCardinality(String),
    submitted_at       DateTime64(3, 'UTC'),
    author_login       String,
    author_is_bot      Bool,
    merged_at          Nullable(DateTime64(3, 'UTC')),
    pull_request_team  LowCardinality(String),
    reviewer_team      LowCardinality(String)
)
ENGINE = MergeTree
ORDER BY (pull_request_team, toDate(submitted_at), repository, number, review_id);
