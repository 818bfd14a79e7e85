-- A survey answer is the same answer whatever team it names: its identity is the survey, the question and the
-- respondent (and, for an answer without a survey id, its UTC day). The team led the old sort key, so re-importing
-- a corrected file that moved an answer to another team added a second answer beside the first; and a monthly
-- partition kept an answer whose date moved to another month from being replaced (a ReplacingMergeTree replaces
-- only within a partition). The table is rebuilt with the new key and no partition (hundreds of rows a year);
-- answers stored twice that way before are copied as they are, and reads (FINAL) see only the latest of them.
-- The rebuild runs again from the start if interrupted: the copy is dropped before it is made, the swap is atomic.

DROP TABLE IF EXISTS survey_responses__rekeyed;
CREATE TABLE survey_responses__rekeyed AS survey_responses
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY tuple()
ORDER BY (survey_id, question, respondent_hash, if(survey_id = '', toDate(answered_at), toDate(0)));
INSERT INTO survey_responses__rekeyed SELECT * FROM survey_responses;
EXCHANGE TABLES survey_responses AND survey_responses__rekeyed;
DROP TABLE survey_responses__rekeyed;
