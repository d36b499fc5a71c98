#!/usr/bin/env bash
# Builds events-api and starts it on the embedded default: SQLite under ./data, demo data loaded,
# listening on 127.0.0.1:8080 (override with EVENTS_API_LISTEN). Installs its own dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/install-npm.sh

cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target events-api
bin=build/release/src/events-api

"$bin" seed-demo
exec "$bin" serve "$@"
