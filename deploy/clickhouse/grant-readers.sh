#!/bin/bash
# Run by the one-shot `clickhouse-grants` service of docker-compose.yml on every `docker compose up`, after the app
# reports ready (so its migrations have created the tables readers.sql grants). Idempotent: creates the read-only
# user `reader` if missing, sets its password from CLICKHOUSE_READER_PASSWORD, re-applies readers.sql (the role
# analytics_reader: SELECT table by table, raw survey rows withheld) and grants the role to `reader`.
set -euo pipefail
: "${CLICKHOUSE_PASSWORD:?}" "${CLICKHOUSE_READER_PASSWORD:?}"
client=(clickhouse-client --host clickhouse --user analytics --password "$CLICKHOUSE_PASSWORD")
# SQL string literal: backslashes and quotes escaped, so any password works.
reader_password=${CLICKHOUSE_READER_PASSWORD//\\/\\\\}
reader_password=${reader_password//\'/\\\'}
"${client[@]}" --multiquery --queries-file /grants/readers.sql
"${client[@]}" --multiquery --query "
CREATE USER IF NOT EXISTS reader IDENTIFIED WITH sha256_password BY '$reader_password' DEFAULT DATABASE analytics SETTINGS readonly = 1;
ALTER USER reader IDENTIFIED WITH sha256_password BY '$reader_password';
GRANT analytics_reader TO reader;
SET DEFAULT ROLE analytics_reader TO reader;"
echo "reader: role analytics_reader granted"
