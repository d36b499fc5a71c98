#!/usr/bin/env bash
# Starts the real events-api on a free loopback port with demo data and a known admin password,
# runs the given command with EA_BASE_URL / EA_USERNAME / EA_PASSWORD set, then stops the server
# with SIGTERM and fails if it did not exit cleanly.
#   [EA_NODE=/path/to/node] run_with_server.sh /path/to/events-api SCHEMA command args...
# EA_NODE (set by CMake: Node 22 from npm, see cmake/EaNode.cmake) goes first on PATH, so a client
# that starts `node` or `npx` itself gets that Node too, never an older system one.
# A test that serves pages of its own (cors_page.test.mjs) sets EA_PAGE_ORIGIN_HOST: a free port is
# picked for it as EA_PAGE_PORT, and http://HOST:EA_PAGE_PORT becomes the server's one allowed
# CORS origin.
set -euo pipefail
binary=$1 schema=$2
shift 2
if [[ -n "${EA_NODE:-}" ]]; then
  [[ -x "$EA_NODE" ]] || { echo "EA_NODE=$EA_NODE is not an executable (scripts/install-npm.sh --test)" >&2; exit 1; }
  PATH="$(dirname "$EA_NODE"):$PATH"
  export PATH
fi

work=$(mktemp -d /tmp/events-api-e2e-XXXXXX)
server_pid=
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# EA_TEST_DB_URL (with_postgres.sh) puts the server on PostgreSQL instead of a SQLite file.
export EVENTS_API_SCHEMA=$schema EVENTS_API_DB="${EA_TEST_DB_URL:-sqlite://$work/e2e.db}"
[[ -n "${EA_TEST_SESSIONS_URL:-}" ]] && export EVENTS_API_SESSIONS=$EA_TEST_SESSIONS_URL
export EVENTS_API_ADMIN_PASSWORD="e2e-admin-$RANDOM$RANDOM"
if [[ -n "${EA_PAGE_ORIGIN_HOST:-}" ]]; then
  EA_PAGE_PORT=$(node -e 'const s = require("net").createServer();
    s.listen(0, process.argv[1], () => { console.log(s.address().port); s.close(); });' \
    "$EA_PAGE_ORIGIN_HOST")
  export EA_PAGE_PORT EVENTS_API_CORS_ALLOWED_ORIGINS="http://$EA_PAGE_ORIGIN_HOST:$EA_PAGE_PORT"
fi
"$binary" seed-demo >/dev/null
: >"$work/stderr.log"  # exists before the loop below reads it, however the shell schedules
"$binary" --listen 127.0.0.1:0 serve >"$work/stdout.log" 2>"$work/stderr.log" &
server_pid=$!

port=
for _ in $(seq 1 100); do
  port=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/stderr.log")
  [[ -n "$port" ]] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/stderr.log" >&2; exit 1; }
  sleep 0.1
done
[[ -n "$port" ]] || { echo "server did not report its port" >&2; cat "$work/stderr.log" >&2; exit 1; }

export EA_BASE_URL="http://127.0.0.1:$port" EA_USERNAME=admin EA_PASSWORD=$EVENTS_API_ADMIN_PASSWORD
status=0
"$@" || status=$?

kill -TERM "$server_pid"
server_status=0
wait "$server_pid" || server_status=$?
server_pid=
if (( server_status != 0 )); then
  echo "server exited with $server_status after SIGTERM" >&2
  cat "$work/stderr.log" >&2
  exit 1
fi
exit $status
