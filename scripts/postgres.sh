#!/usr/bin/env bash
# A private PostgreSQL + PostGIS server for the tests (README command 2 starts
# it before the tests and stops it after): a throwaway cluster in
#   ${SISE_PG_DIR:-/tmp/sise-pg}, listening only on its Unix socket there, port 5439,
# owned by the `postgres` system user (initdb refuses root), trust
# authentication on that socket only. It never touches the machine's own
# clusters (/var/lib/postgresql).
#   bash scripts/postgres.sh start   → prints the environment the tests read
#   bash scripts/postgres.sh stop
set -euo pipefail

dir=${SISE_PG_DIR:-/tmp/sise-pg}
port=5439
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] || { echo "postgres: no PostgreSQL server installed (apt install postgresql postgis)" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    if [ -f "$dir/data/postmaster.pid" ] && as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
      echo "postgres: already running in $dir" >&2
    else
      rm -rf "$dir"
      mkdir -p "$dir"
      [ "$(id -u)" -ne 0 ] || chown postgres: "$dir"
      as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
      as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
        -o "-k $dir -p $port -c listen_addresses='' -c fsync=off" start >/dev/null
      # The database the tests use, with PostGIS as a bureau's DBA would set it up.
      as_owner "$bin/psql" -h "$dir" -p $port -U postgres -q -c "CREATE DATABASE sise_test" postgres
      as_owner "$bin/psql" -h "$dir" -p $port -U postgres -q -c "CREATE EXTENSION postgis" sise_test
    fi
    echo "PGHOST=$dir PGPORT=$port PGUSER=postgres PGDATABASE=sise_test"
    ;;
  stop)
    if [ -d "$dir/data" ]; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
      rm -rf "$dir"
    fi
    ;;
  *) echo "usage: bash scripts/postgres.sh start|stop" >&2; exit 2 ;;
esac
