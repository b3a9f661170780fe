#!/bin/bash
# Entrypoint of the streaming replica (postgis/postgis image, docker-compose.yml profile "replicated").
# First start: wait for the primary, copy it with `pg_basebackup -R` (which writes standby.signal and
# primary_conninfo), then run PostgreSQL as a hot standby. Later starts: the copy is there; just run it.
# A replica whose copy is unusable is recreated by deleting its volume (docker compose down -v).
set -euo pipefail

: "${PRIMARY_HOST:?set PRIMARY_HOST to the primary's host name}"
: "${REPLICATION_USER:=replicator}"
: "${RDTR_REPLICATION_PASSWORD:?set RDTR_REPLICATION_PASSWORD (the primary's replicator role)}"
PGDATA="${PGDATA:-/var/lib/postgresql/data}"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    mkdir -p "$PGDATA"
    chown postgres:postgres "$PGDATA"
    chmod 0700 "$PGDATA"
    for _ in $(seq 1 120); do  # bounded: the primary's health check already gates our start
        gosu postgres pg_isready -q -h "$PRIMARY_HOST" -p 5432 && break
        sleep 1
    done
    echo "replica: copying $PRIMARY_HOST with pg_basebackup -R"
    # the password reaches primary_conninfo through -R (libpq writes the connection's settings)
    gosu postgres env PGPASSWORD="$RDTR_REPLICATION_PASSWORD" pg_basebackup \
        -h "$PRIMARY_HOST" -p 5432 -U "$REPLICATION_USER" -D "$PGDATA" -R -X stream -c fast
fi

exec gosu postgres postgres -D "$PGDATA" -c hot_standby=on -c listen_addresses='*'
