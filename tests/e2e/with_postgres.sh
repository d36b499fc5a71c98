#!/usr/bin/env bash
# Runs a command against a fresh PostgreSQL 15 of its own: initdb into a temp dir (as the postgres
# user when run as root: PostgreSQL refuses to run as root), pg_ctl start on a free loopback port
# with password authentication, then the command with EA_TEST_DB_URL set to an empty database's
# URL and EA_TEST_SESSIONS_URL to a SQLite file for the sessions (a PostgreSQL store needs the
# sessions' place named); run_with_server.sh and the stdio clients use both. The server is stopped
# and its files removed however the command ends.
#   with_postgres.sh command args...
set -euo pipefail
bin=/usr/lib/postgresql/15/bin
[[ -x $bin/initdb ]] || { echo "$bin/initdb is missing: install PostgreSQL 15 (scripts/install-deps.sh --test)" >&2; exit 1; }

dir=$(mktemp -d /tmp/events-api-pg-XXXXXX)
as_server=()
if (( EUID == 0 )); then
  as_server=(runuser -u postgres --)
  chown postgres: "$dir"
fi
started=
cleanup() {
  if [[ -n "$started" ]]; then
    "${as_server[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}
trap cleanup EXIT

password="pg-e2e-$RANDOM$RANDOM"
printf '%s\n' "$password" >"$dir/pw"
[[ -n "${as_server[*]}" ]] && chown postgres: "$dir/pw"
"${as_server[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A scram-sha-256 --pwfile="$dir/pw" \
  -E UTF8 --locale=C.UTF-8 -N >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }

for _ in 1 2 3 4 5; do
  port=$(( 20000 + RANDOM % 40000 ))  # a port in use makes pg_ctl fail: then another
  if "${as_server[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
       -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
       start >/dev/null 2>&1; then
    started=1
    break
  fi
done
[[ -n "$started" ]] || { echo "pg_ctl start failed:" >&2; cat "$dir/server.log" >&2; exit 1; }

PGPASSWORD=$password "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres e2e
export EA_TEST_DB_URL="postgresql://postgres:$password@127.0.0.1:$port/e2e"
export EA_TEST_SESSIONS_URL="sqlite://$dir/sessions.db"
"$@"
