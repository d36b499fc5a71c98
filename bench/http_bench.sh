#!/usr/bin/env bash
# HTTP benchmark (not a test): wrk against a real `events-api serve` on loopback, beside a trivial
# handler (/healthz) measured in the same run as the ceiling. Builds nothing.
# Usage: bench/http_bench.sh PATH/TO/events-api [SCALE=100] [RUNS=3] [DURATION=10s]
# Needs wrk, curl, python3. Seeds a temporary database (seed-demo --scale SCALE), starts the server
# on a free port with EVENTS_API_ADMIN_PASSWORD, logs in once (the login limit is a burst of 5 per
# username), then runs `wrk -t2 -c64 -d$DURATION --latency` RUNS times per endpoint and prints the
# median req/s, p50 and p99 of each, its ratio to /healthz, and the server's RSS after each
# endpoint, and the server's CPU time per request (median). Results are recorded in
# docs/performance.md.
# Environment: SESSIONS=redis://127.0.0.1:PORT runs the server with that session store (default:
# the embedded SQLite one); ENDPOINTS="healthz get-user me" picks endpoints (default: all;
# token-get-user is get-user with an access token, made by `events-api token create`;
# healthz always runs first, as the baseline of the same run); CONNECTIONS=64 (wrk -c; 1 gives
# one client waiting for each answer). The MCP endpoints (mcp-get-user, mcp-list-events) POST
# tools/call to /mcp as a 2026-07-28 client does (per-request _meta, no session), with the same
# bearer, through bench/wrk_post.lua. The agent-* endpoints repeat get-user, list-users and
# mcp-get-user as an ai_agent user: their ratio to the twin is the cost of enforcing its rules.
# DB=postgresql://USER:PASSWORD@HOST:PORT/NAME (an empty database) benches that store instead of a
# temporary SQLite file (give SESSIONS too: a PostgreSQL store needs the sessions' place named).
# INSTANCES=2 starts that many `serve` processes on one database (a server store and shared
# sessions: DB and SESSIONS=redis://...) and runs one wrk per instance at the same time, the
# connections split evenly: req/s is their sum, p50 and p99 the worst instance's, server CPU per
# request over all instances.
set -euo pipefail

BIN=${1:?usage: http_bench.sh PATH/TO/events-api [SCALE] [RUNS] [DURATION]}
SCALE=${2:-100}
RUNS=${3:-3}
DURATION=${4:-10s}
SCHEMA=${SCHEMA:-$(cd "$(dirname "$0")/.." && pwd)/schema.yaml}
for tool in wrk curl python3; do
    command -v "$tool" >/dev/null || { echo "http_bench: $tool is not installed" >&2; exit 2; }
done

WORK=$(mktemp -d)
SERVER_PID=""
SERVER_PIDS=()
cleanup() {
    for pid in "${SERVER_PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

DB=${DB:-sqlite://$WORK/bench.db}
INSTANCES=${INSTANCES:-1}
PASSWORD="bench-admin-password-$$"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
PORTS=("$PORT")
for _ in $(seq 2 "$INSTANCES"); do PORTS+=("$(free_port)"); done
BASE="http://127.0.0.1:$PORT"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "store: ${DB%%://*}, instances: $INSTANCES"
echo "seeding scale $SCALE ..."
"$BIN" --schema "$SCHEMA" --db "$DB" seed-demo --scale "$SCALE" | head -1

SESSIONS_ARGS=()
[[ -n "${SESSIONS:-}" ]] && SESSIONS_ARGS=(--sessions "$SESSIONS")
echo "sessions: ${SESSIONS:-embedded SQLite}"
# The ai_agent user measures enforcement, not its rate limit (100 calls per 60 s by default).
for i in "${!PORTS[@]}"; do
    EVENTS_API_RATE_LIMITS="ai_agent=unlimited" EVENTS_API_ADMIN_PASSWORD="$PASSWORD" "$BIN" --schema "$SCHEMA" --db "$DB" "${SESSIONS_ARGS[@]}" \
        --listen "127.0.0.1:${PORTS[$i]}" serve >"$WORK/server.$i.log" 2>&1 &
    SERVER_PIDS+=($!)
    for _ in $(seq 1 100); do
        curl -fs "http://127.0.0.1:${PORTS[$i]}/healthz" >/dev/null 2>&1 && break
        sleep 0.1
    done
    curl -fs "http://127.0.0.1:${PORTS[$i]}/healthz" >/dev/null || { echo "server $i did not start:" >&2; cat "$WORK/server.$i.log" >&2; exit 1; }
done
SERVER_PID=${SERVER_PIDS[0]}

# One login for the whole run.
TOKEN=$(curl -fs -X POST "$BASE/api/user/auth/login" -H 'Content-Type: application/json' \
    -d "{\"username\": \"admin\", \"password\": \"$PASSWORD\"}" |
    python3 -c 'import json, sys; d = json.load(sys.stdin); print(d.get("token") or d.get("sessionId") or d["data"]["token"])')
[[ -n "$TOKEN" ]] || { echo "login failed" >&2; exit 1; }
AUTH="Authorization: Bearer $TOKEN"
# An access token for the same user (`events-api token create`, beside the running server), for
# the token-get-user endpoint: the bearer path remote MCP clients and scripts use.
ACCESS_TOKEN=$("$BIN" --schema "$SCHEMA" --db "$DB" "${SESSIONS_ARGS[@]}" token create admin --name bench |
    tail -1)
[[ "$ACCESS_TOKEN" == eat_* ]] || { echo "token create failed" >&2; exit 1; }
TOKEN_AUTH="Authorization: Bearer $ACCESS_TOKEN"

# An ai_agent user (schema.yaml's role for the MCP service user), for the cost of enforcing its
# rules: the agent-* endpoints are the same requests as their admin twins.
AGENT_PASSWORD="bench-agent-password-$$"
curl -fs -X POST "$BASE/api/user" -H "$AUTH" -H 'Content-Type: application/json' -d "{\"username\": \"bench_agent\", \"email\": \"bench_agent@example.org\", \"password\": \"$AGENT_PASSWORD\", \"firstName\": \"Bench\", \"lastName\": \"Agent\", \"isAccountOwner\": false, \"accountId\": \"acc_demo_0\", \"role\": \"ai_agent\"}" >/dev/null ||
    { echo "creating the ai_agent user failed" >&2; exit 1; }
AGENT_TOKEN=$(curl -fs -X POST "$BASE/api/user/auth/login" -H 'Content-Type: application/json' \
    -d "{\"username\": \"bench_agent\", \"password\": \"$AGENT_PASSWORD\"}" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
AGENT_AUTH="Authorization: Bearer $AGENT_TOKEN"

FILTER=$(python3 -c 'import urllib.parse; print(urllib.parse.quote("{\"cost\": {\"$lt\": 20}, \"numOfExpectedAttendees\": {\"$gte\": 500}}"))')
LIST="/api/event?filter=$FILTER&sort=dateTime:desc&page=3&pageSize=25"
USERS_FILTER=$(python3 -c 'import urllib.parse; print(urllib.parse.quote("{\"gender\": \"female\", \"createdAt\": {\"$gte\": \"2000-01-01\"}}"))')
USERS="/api/user?filter=$USERS_FILTER&sort=createdAt:desc&pageSize=25"
for path in /api/user/usr_demo_1 "$USERS"; do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "$AGENT_AUTH" "$BASE$path")
    [[ "$code" == 200 ]] || { echo "GET $path as ai_agent answered $code" >&2; exit 1; }
done
for path in /api/user/usr_demo_1 /user/auth/me "$LIST" "$USERS"; do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "$AUTH" "$BASE$path")
    [[ "$code" == 200 ]] || { echo "GET $path answered $code" >&2; exit 1; }
done
code=$(curl -s -o /dev/null -w '%{http_code}' -H "$TOKEN_AUTH" "$BASE/api/user/usr_demo_1")
[[ "$code" == 200 ]] || { echo "GET /api/user/usr_demo_1 with the access token answered $code" >&2; exit 1; }

# MCP tools/call bodies (revision 2026-07-28) and the headers that revision requires.
MCP_META='"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}'
mcp_body() { printf '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"%s","arguments":%s,%s}}' "$1" "$2" "$MCP_META"; }
mcp_headers() { printf 'Content-Type: application/json\nAccept: application/json, text/event-stream\nMCP-Protocol-Version: 2026-07-28\nMcp-Method: tools/call\nMcp-Name: %s\n%s\n' "$1" "${2:-$AUTH}"; }
MCP_GET_USER=$(mcp_body get_user '{"id":"usr_demo_1"}')
MCP_LIST_EVENTS=$(mcp_body list_events '{"filter":{"cost":{"$lt":20},"numOfExpectedAttendees":{"$gte":500}},"sort":[{"field":"dateTime","direction":"desc"}],"page":3,"pageSize":25}')
for call in get_user:MCP_GET_USER list_events:MCP_LIST_EVENTS; do
    name=${call%%:*} var=${call#*:}
    answer=$(curl -s -X POST "$BASE/mcp" \
        -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
        -H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: tools/call' -H "Mcp-Name: $name" -H "$AUTH" \
        -d "${!var}")
    [[ "$answer" == *'"result"'* && "$answer" != *'"isError":true'* ]] ||
        { echo "MCP $name answered: ${answer:0:300}" >&2; exit 1; }
done

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status"; }

# The servers' CPU time so far (user + system), in clock ticks.
cpu_ticks() {
    local pid sum=0
    for pid in "${SERVER_PIDS[@]}"; do
        sum=$((sum + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
    done
    echo "$sum"
}
TICKS_PER_S=$(getconf CLK_TCK)

# Prints "req/s p50_ms p99_ms non2xx cpu_us_per_request" for one wrk run. The server's CPU time
# per request matters on a shared machine: other load lowers req/s, but hardly what one request
# costs.
run_wrk() {
    local path=$1
    shift
    local before
    before=$(cpu_ticks)
    local i wrk_pids=()
    for i in "${!PORTS[@]}"; do
        wrk -t"$THREADS" -c"$((CONNECTIONS / INSTANCES))" -d"$DURATION" --latency "$@" \
            "http://127.0.0.1:${PORTS[$i]}$path" >"$WORK/wrk.${PORTS[$i]}" &
        wrk_pids+=($!)
    done
    wait "${wrk_pids[@]}"
    local after
    after=$(cpu_ticks)
    TICKS=$((after - before)) TICKS_PER_S=$TICKS_PER_S python3 -c '
import os, re, sys
rps = total = errors = 0
p50 = p99 = 0.0
for name in sys.argv[1:]:
    text = open(name).read()
    def ms(label):
        m = re.search(r"^\s*" + label + r"\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    rps += float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    total += int(re.search(r"(\d+) requests in", text).group(1))
    e = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    errors += int(e.group(1)) if e else 0
    p50, p99 = max(p50, ms("50%")), max(p99, ms("99%"))
cpu_us = int(os.environ["TICKS"]) / int(os.environ["TICKS_PER_S"]) * 1e6 / max(total, 1)
print("%.0f %.3f %.3f %s %.1f" % (rps, p50, p99, errors, cpu_us))
' "${PORTS[@]/#/$WORK/wrk.}"
}

declare -A MEDIAN_RPS
declare -A REST_TWIN=([mcp-get-user]=get-user [mcp-list-events]=list-page
    [agent-get-user]=get-user [agent-list-users]=list-users [mcp-agent-get-user]=mcp-get-user
    [token-get-user]=get-user)
bench() {
    local name=$1 path=$2
    shift 2
    local results=()
    for _ in $(seq 1 "$RUNS"); do
        results+=("$(run_wrk "$path" "$@")")
    done
    local summary
    summary=$(printf '%s\n' "${results[@]}" | python3 -c '
import statistics, sys
rows = [list(map(float, line.split())) for line in sys.stdin if line.strip()]
med = [statistics.median(r[i] for r in rows) for i in range(5)]
print(f"{med[0]:.0f} {med[1]:.3f} {med[2]:.3f} {int(sum(r[3] for r in rows))} {med[4]:.1f}")
')
    read -r rps p50 p99 errors cpu_us <<<"$summary"
    MEDIAN_RPS[$name]=$rps
    local ratio
    ratio=$(python3 -c "print(f'{$rps / ${MEDIAN_RPS[healthz]}:.2f}')")
    # An MCP call beside the REST request that reads the same rows, when that ran.
    local rest=${REST_TWIN[$name]:-} twin=""
    if [[ -n "$rest" && -n "${MEDIAN_RPS[$rest]:-}" ]]; then
        twin="  ratio to $rest $(python3 -c "print(f'{$rps / ${MEDIAN_RPS[$rest]}:.2f}')")"
    fi
    printf '%-15s median of %s: %8s req/s  p50 %7s ms  p99 %7s ms  non-2xx %s  ratio to /healthz %s  server CPU %6s us/req  server RSS %s kB%s\n' \
        "$name" "$RUNS" "$rps" "$p50" "$p99" "$errors" "$ratio" "$cpu_us" "$(rss_kb)" "$twin"
}

CONNECTIONS=${CONNECTIONS:-64}
THREADS=$((CONNECTIONS / INSTANCES < 2 || INSTANCES > 1 ? 1 : 2))
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency, $RUNS runs each; load: $(cut -d' ' -f1-3 /proc/loadavg)"
ENDPOINTS=${ENDPOINTS:-get-user me token-get-user list-page mcp-get-user mcp-list-events agent-get-user list-users agent-list-users mcp-agent-get-user}
WRK_POST=$(cd "$(dirname "$0")" && pwd)/wrk_post.lua
wanted() { [[ " $ENDPOINTS " == *" $1 "* ]]; }
bench healthz /healthz
wanted get-user && bench get-user /api/user/usr_demo_1 -H "$AUTH"
wanted me && bench me /user/auth/me -H "$AUTH"
wanted token-get-user && bench token-get-user /api/user/usr_demo_1 -H "$TOKEN_AUTH"
wanted list-page && bench list-page "$LIST" -H "$AUTH"
wanted mcp-get-user && WRK_BODY=$MCP_GET_USER WRK_HEADERS=$(mcp_headers get_user) \
    bench mcp-get-user /mcp -s "$WRK_POST"
wanted mcp-list-events && WRK_BODY=$MCP_LIST_EVENTS WRK_HEADERS=$(mcp_headers list_events) \
    bench mcp-list-events /mcp -s "$WRK_POST"
wanted agent-get-user && bench agent-get-user /api/user/usr_demo_1 -H "$AGENT_AUTH"
wanted list-users && bench list-users "$USERS" -H "$AUTH"
wanted agent-list-users && bench agent-list-users "$USERS" -H "$AGENT_AUTH"
wanted mcp-agent-get-user && WRK_BODY=$MCP_GET_USER WRK_HEADERS=$(mcp_headers get_user "$AGENT_AUTH") \
    bench mcp-agent-get-user /mcp -s "$WRK_POST"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
