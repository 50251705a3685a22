#!/bin/bash
# Entrypoint of the local postgres stand-in (cluster/images/postgres/Containerfile): the subset
# of the official image's docker-entrypoint.sh that the chart relies on.
#
#   POSTGRES_PASSWORD  required on first start: the superuser's password
#   POSTGRES_USER      the superuser (default postgres)
#   POSTGRES_DB        a database created on first start (default: $POSTGRES_USER)
#   PGDATA             the data directory (default /var/lib/postgresql/data); a subdirectory of
#                      the volume, as the chart sets, because initdb refuses a lost+found
#
# When $PGDATA has no database yet (no PG_VERSION): initdb with that superuser and password
# (scram-sha-256), the Unix socket trusted (only processes inside the container reach it), every
# TCP connection, loopback included, authenticated by password; listen_addresses = '*'; then
# POSTGRES_DB is created through a server listening on the socket only, which is stopped again.
# Finally, and on every later start, it execs postgres (arguments: `postgres -c x=y`, or just
# `-c x=y`). Any other command runs as given.
#
# Not supported (unlike the official image): running as root (it runs as the image's user 999,
# or any uid the runtime chooses), /docker-entrypoint-initdb.d, POSTGRES_INITDB_ARGS,
# POSTGRES_HOST_AUTH_METHOD, the *_FILE variants, a password containing a newline.
set -Eeuo pipefail

log() { printf '[entrypoint] %s\n' "$*" >&2; }

if [ "${1:0:1}" = - ]; then set -- postgres "$@"; fi
if [ "$1" != postgres ]; then exec "$@"; fi
if [ "$(id -u)" = 0 ]; then
  log "PostgreSQL does not run as root: start the container as the postgres user (999)"
  exit 1
fi

: "${POSTGRES_USER:=postgres}"
: "${POSTGRES_DB:=$POSTGRES_USER}"
: "${PGDATA:=/var/lib/postgresql/data}"
export PGDATA

mkdir -p "$PGDATA"
# initdb and postgres want 0700 (0750 at most); an existing directory of another owner is left
# for initdb to complain about.
chmod 0700 "$PGDATA" 2>/dev/null || true

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "${POSTGRES_PASSWORD:-}" ]; then
    log "the database is uninitialized and POSTGRES_PASSWORD is not set: it is required"
    exit 1
  fi
  log "initdb in $PGDATA (superuser $POSTGRES_USER)"
  initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") \
    --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 >&2
  printf '\n# tracing-demo stand-in: password logins from any address\nhost all all all scram-sha-256\n' \
    >>"$PGDATA/pg_hba.conf"
  printf "\n# tracing-demo stand-in: reachable from other pods\nlisten_addresses = '*'\n" \
    >>"$PGDATA/postgresql.conf"
  if [ "$POSTGRES_DB" != postgres ]; then
    log "creating database $POSTGRES_DB"
    pg_ctl --pgdata="$PGDATA" --wait --silent --options="-c listen_addresses=''" start >&2
    psql --no-psqlrc --quiet --set=ON_ERROR_STOP=1 --username="$POSTGRES_USER" --dbname=postgres \
      --set=db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";' >&2
    pg_ctl --pgdata="$PGDATA" --wait --silent --mode=fast stop >&2
  fi
  log "initialized; starting PostgreSQL"
fi

exec "$@"
