#!/usr/bin/env bash
# packaging/nginx/events-api.conf as written (only its ports put in), in front of two real
# `events-api serve` instances on one database and session store: requests are spread over both,
# a login through nginx works on either instance and a logout through nginx ends it on both, an
# MCP 2026-07-28 client's calls land on either, and when one instance is killed (-9) nginx sends
# everything to the other without a failed request.
#   nginx_test.sh BINARY SCHEMA CONF
set -euo pipefail
binary=$1 schema=$2 conf=$3
command -v nginx >/dev/null || { echo "FAIL nginx is not installed (scripts/install-deps.sh --test)"; exit 1; }
work=$(mktemp -d /tmp/events-api-nginx-XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
passed=0
failed=0
pass() { passed=$((passed + 1)); echo "PASS $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1${2:+: $2}"; }
expect() { if [[ "$2" == "$3" ]]; then pass "$1"; else fail "$1" "got '$2', wanted '$3'"; fi; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_http() {  # wait_http URL: up to 20 s
  for _ in $(seq 1 200); do curl -fs -o /dev/null "$1" && return 0; sleep 0.1; done
  return 1
}
a=$(free_port) b=$(free_port) n=$(free_port)
export EVENTS_API_SCHEMA=$schema EVENTS_API_DB="sqlite://$work/events.db"
export EVENTS_API_ADMIN_PASSWORD="nginx-admin-$RANDOM$RANDOM" EVENTS_API_TRUST_PROXY=true
"$binary" seed-demo >/dev/null
"$binary" --listen "127.0.0.1:$a" serve >"$work/a.log" 2>"$work/a.err" &
pids+=($!)
a_pid=$!
wait_http "http://127.0.0.1:$a/healthz" || { echo "FAIL instance A did not start: $(cat "$work/a.err")"; exit 1; }
"$binary" --listen "127.0.0.1:$b" serve >"$work/b.log" 2>"$work/b.err" &
pids+=($!)
wait_http "http://127.0.0.1:$b/healthz" || { echo "FAIL instance B did not start: $(cat "$work/b.err")"; exit 1; }

mkdir -p "$work/nginx/tmp"
sed -e "s/127.0.0.1:8081/127.0.0.1:$a/; s/127.0.0.1:8082/127.0.0.1:$b/; s/listen 80;/listen 127.0.0.1:$n;/" \
  "$conf" >"$work/nginx/events-api.conf"
cat >"$work/nginx/nginx.conf" <<CONF
daemon off;
user $(id -un);
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events {}
http {
    access_log $work/nginx/access.log;
    client_body_temp_path $work/nginx/tmp/body;
    proxy_temp_path $work/nginx/tmp/proxy;
    fastcgi_temp_path $work/nginx/tmp/fastcgi;
    uwsgi_temp_path $work/nginx/tmp/uwsgi;
    scgi_temp_path $work/nginx/tmp/scgi;
    include $work/nginx/events-api.conf;
}
CONF
nginx -t -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" >"$work/nginx-t.log" 2>&1 &&
  pass "nginx accepts the example config" || { fail "nginx -t" "$(cat "$work/nginx-t.log")"; exit 1; }
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" &
pids+=($!)
front="http://127.0.0.1:$n"
wait_http "$front/healthz" || { fail "nginx answers" "$(cat "$work/nginx/error.log")"; exit 1; }

login() {
  curl -s -X POST "$front/api/user/auth/login" -H 'Content-Type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$EVENTS_API_ADMIN_PASSWORD\"}" |
    python3 -c 'import json, sys; print(json.load(sys.stdin).get("token", ""))'
}
token=$(login)
[[ -n "$token" ]] && pass "login through nginx" || fail "login through nginx"
auth="Authorization: Bearer $token"

ok=0
for _ in $(seq 1 20); do
  [[ $(curl -s -o /dev/null -w '%{http_code}' -H "$auth" "$front/api/user/usr_demo_1") == 200 ]] && ok=$((ok + 1))
done
expect "20 reads through nginx" "$ok" 20
on_a=$(grep -c '"method":"GET","route":"/api/{entity}/{id}"' "$work/a.log" || true)
on_b=$(grep -c '"method":"GET","route":"/api/{entity}/{id}"' "$work/b.log" || true)
if ((on_a > 0 && on_b > 0 && on_a + on_b == 20)); then pass "both instances served them ($on_a + $on_b)"
else fail "both instances served them" "A $on_a, B $on_b"; fi
expect "the token works on A directly" \
  "$(curl -s -o /dev/null -w '%{http_code}' -H "$auth" "http://127.0.0.1:$a/api/user/usr_demo_1")" 200
expect "the token works on B directly" \
  "$(curl -s -o /dev/null -w '%{http_code}' -H "$auth" "http://127.0.0.1:$b/api/user/usr_demo_1")" 200
grep -q '"remote":"127.0.0.1"' "$work/a.log" && pass "instances see the client address nginx passed" ||
  fail "instances see the client address nginx passed" "$(head -c 300 "$work/a.log")"

curl -s -o /dev/null -X POST -H "$auth" "$front/api/user/auth/logout"
expect "after a logout through nginx, A refuses the token" \
  "$(curl -s -o /dev/null -w '%{http_code}' -H "$auth" "http://127.0.0.1:$a/api/user/usr_demo_1")" 401
expect "and B refuses it" \
  "$(curl -s -o /dev/null -w '%{http_code}' -H "$auth" "http://127.0.0.1:$b/api/user/usr_demo_1")" 401

token=$(login)
auth="Authorization: Bearer $token"
meta='"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}'
ok=0
for i in $(seq 1 6); do
  answer=$(curl -s -X POST "$front/mcp" -H "$auth" -H 'Content-Type: application/json' \
    -H 'Accept: application/json, text/event-stream' -H 'MCP-Protocol-Version: 2026-07-28' \
    -H 'Mcp-Method: tools/call' -H 'Mcp-Name: get_user' \
    -d "{\"jsonrpc\":\"2.0\",\"id\":$i,\"method\":\"tools/call\",\"params\":{\"name\":\"get_user\",\"arguments\":{\"id\":\"usr_demo_1\"},$meta}}")
  [[ "$answer" == *'"id":"usr_demo_1"'* && "$answer" != *'"isError":true'* ]] && ok=$((ok + 1))
done
expect "MCP 2026-07-28 calls through nginx, on either instance" "$ok" 6
mcp_a=$(grep -c '"/mcp"' "$work/a.log" || true)
mcp_b=$(grep -c '"/mcp"' "$work/b.log" || true)
if ((mcp_a > 0 && mcp_b > 0)); then pass "both instances answered MCP ($mcp_a + $mcp_b)"
else fail "both instances answered MCP" "A $mcp_a, B $mcp_b"; fi

kill -9 "$a_pid"
wait "$a_pid" 2>/dev/null || true
ok=0
for _ in $(seq 1 20); do
  [[ $(curl -s -o /dev/null -w '%{http_code}' -H "$auth" "$front/api/user/usr_demo_1") == 200 ]] && ok=$((ok + 1))
done
expect "with A killed, every read through nginx is still served" "$ok" 20

echo "$passed passed, $failed failed"
[[ $failed -eq 0 && $passed -gt 0 ]]
