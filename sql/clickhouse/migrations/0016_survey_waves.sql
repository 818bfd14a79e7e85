-- Survey waves that were closed by hand (`analytics surveys close <wave>`). A wave is a survey id, or for answers
-- without one the calendar month '@yyyy-MM' (organisation's time zone). A wave also closes on its own
-- Analytics:Space:SurveyWaveDays after its first answer; this table holds only the explicit closings. A closed wave
-- refuses further imports and its months are published (docs/metrics.md, "Survey waves"). Rows are only added; the
-- earliest closing counts. Holds no answers and no respondents: readers may read it (deploy/clickhouse/readers.sql).
CREATE TABLE IF NOT EXISTS survey_wave_closures
(
    wave       String,
    closed_at  DateTime64(3, 'UTC'),
    closed_by  String
)
ENGINE = MergeTree
ORDER BY wave;
