#!/bin/bash
# The primary's side of streaming replication, run once by the postgis image when it creates a fresh data
# directory (/docker-entrypoint-initdb.d, after the image's own PostGIS script): a login role that may
# only replicate, and the pg_hba.conf line that lets it connect from the compose network for replication
# (the image's own "host all all all" line does not cover replication connections).
# Sourced or executed by the image's entrypoint, so no `exit` and no `set -e` here.
if [ -n "${RDTR_REPLICATION_PASSWORD:-}" ]; then
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
        -v pw="$RDTR_REPLICATION_PASSWORD" <<'SQL'
CREATE ROLE replicator WITH LOGIN REPLICATION PASSWORD :'pw';
SQL
    echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
fi
