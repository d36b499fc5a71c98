#!/usr/bin/env bash
# Builds events-api and starts it on the embedded default: SQLite under ./data, demo data loaded,
# listening on 127.0.0.1:8080 (override with EVENTS_API_LISTEN). Installs its own dependencies:
# only what running needs (no GoogleTest, test servers or test clients), so it builds with the `run`
# preset (release flags, no tests, no benchmarks) in its own build/run, apart from the test builds.
# Idempotent: a second run installs nothing, rebuilds only what changed and keeps data/events.db.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/install-npm.sh

cmake --preset run >/dev/null
cmake --build --preset run -j "$(nproc)" --target events-api
bin=build/run/src/events-api

"$bin" seed-demo
exec "$bin" serve "$@"
