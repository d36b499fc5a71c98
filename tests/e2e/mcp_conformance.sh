#!/usr/bin/env bash
# The official MCP conformance suite (every server scenario, --suite all) against /mcp of the
# server run_with_server.sh started (EA_BASE_URL), with the baseline of scenarios that do not
# apply or are not built yet. Needs Node 22 (EA_NODE). The suite sends no Authorization header,
# so CTest starts that server with EVENTS_API_AUTH_REQUIRED=false (loopback only).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${EA_NODE:?EA_NODE must name Node 22 (scripts/install-npm.sh --test)}"
: "${EA_BASE_URL:?run through run_with_server.sh}"
out=$(mktemp -d /tmp/events-api-conformance-XXXXXX)
trap 'rm -rf "$out"' EXIT
"$EA_NODE" "$here/node_modules/@modelcontextprotocol/conformance/dist/index.js" server \
  --url "$EA_BASE_URL/mcp" --suite all -o "$out" \
  --expected-failures "$here/mcp_conformance_expected_failures.yaml"
