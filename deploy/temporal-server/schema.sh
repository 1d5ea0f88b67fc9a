#!/bin/sh
# Creates or upgrades Temporal's two PostgreSQL databases, the same way in both worlds: run by
# docker-compose.yml's temporal-schema service (temporalio/admin-tools) and by the native run
# (scripts/temporal-server/server.ts). Safe to repeat: existing databases are kept and only
# upgraded. The schemas are the ones built into temporal-sql-tool, so they always match its version.
#
# Reads the server's own variables (server.env and the POSTGRES_* ones), so nothing is set twice:
#   DB, DBNAME, VISIBILITY_DBNAME, POSTGRES_SEEDS, DB_PORT, POSTGRES_USER, POSTGRES_PWD
# and TEMPORAL_SQL_TOOL: the schema tool (default: temporal-sql-tool on PATH).
set -eu

tool="${TEMPORAL_SQL_TOOL:-temporal-sql-tool}"
export SQL_PLUGIN="$DB" SQL_HOST="$POSTGRES_SEEDS" SQL_PORT="${DB_PORT:-5432}"
export SQL_USER="$POSTGRES_USER" SQL_PASSWORD="$POSTGRES_PWD"

for pair in "${DBNAME:-temporal}=temporal" "${VISIBILITY_DBNAME:-temporal_visibility}=visibility"; do
  db="${pair%%=*}"
  schema="postgresql/v12/${pair#*=}"
  # create-database fails when the database exists: that is the normal case after the first run.
  "$tool" --db "$db" create-database >/dev/null 2>&1 || echo "database $db exists"
  "$tool" --db "$db" setup-schema -v 0.0 >/dev/null
  "$tool" --db "$db" update-schema -s "$schema" >/dev/null
  echo "database $db: schema $schema up to date"
done
