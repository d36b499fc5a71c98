#!/usr/bin/env bash
# The REST and MCP HTTP benchmarks (http_bench.sh) on PostgreSQL with 1 and 2 `serve` instances,
# beside SQLite, in one run (not a test): SQLite with its embedded sessions, SQLite with Redis
# sessions, then PostgreSQL 15 (a throw-away cluster: tests/e2e/with_postgres.sh) with Redis
# sessions, 1 instance and 2 instances over one database (a fresh database each, seeded the same).
# Usage: bench/pg_http_bench.sh PATH/TO/events-api [SCALE=20] [RUNS=3] [DURATION=5s]
# Environment: ENDPOINTS (default "get-user list-page mcp-get-user mcp-list-events"), CONNECTIONS
# (default 64, split evenly between the instances). Needs wrk, curl, python3, redis-server and
# PostgreSQL 15; run as root (the cluster runs as the postgres user). Results: docs/performance.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
BIN=$(realpath "${1:?usage: pg_http_bench.sh PATH/TO/events-api [SCALE] [RUNS] [DURATION]}")
SCALE=${2:-20}
RUNS=${3:-3}
DURATION=${4:-5s}
export ENDPOINTS=${ENDPOINTS:-"get-user list-page mcp-get-user mcp-list-events"}

redis_dir=$(mktemp -d)
redis_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$redis_dir" \
    >"$redis_dir/log" 2>&1 &
redis_pid=$!
trap 'kill "$redis_pid" 2>/dev/null; wait "$redis_pid" 2>/dev/null; rm -rf "$redis_dir"' EXIT
for _ in $(seq 1 50); do
    redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
    sleep 0.1
done
export REDIS_URL="redis://127.0.0.1:$redis_port"

echo "=== SQLite, 1 instance, embedded sessions"
"$here/http_bench.sh" "$BIN" "$SCALE" "$RUNS" "$DURATION"
echo "=== SQLite, 1 instance, Redis sessions"
SESSIONS=$REDIS_URL "$here/http_bench.sh" "$BIN" "$SCALE" "$RUNS" "$DURATION"

export BIN SCALE RUNS DURATION here
"$here/../tests/e2e/with_postgres.sh" bash -c '
set -euo pipefail
# EA_TEST_DB_URL = postgresql://postgres:PASSWORD@127.0.0.1:PORT/e2e
base=${EA_TEST_DB_URL%/*}
password=${base#*://postgres:}
password=${password%@*}
port=${base##*:}
for instances in 1 2; do
    name=bench$instances
    PGPASSWORD=$password /usr/lib/postgresql/15/bin/createdb -h 127.0.0.1 -p "$port" -U postgres "$name"
    redis-cli -u "$REDIS_URL" FLUSHALL >/dev/null
    echo "=== PostgreSQL 15, $instances instance(s), Redis sessions"
    DB="$base/$name" SESSIONS=$REDIS_URL INSTANCES=$instances \
        "$here/http_bench.sh" "$BIN" "$SCALE" "$RUNS" "$DURATION"
done
'
