#!/usr/bin/env bash
# Builds events-api twice (release with -Werror, and ASan+UBSan) and runs the whole test suite on
# both. Installs its own dependencies first. Exit code: non-zero when anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --test
scripts/install-npm.sh --test

jobs=$(nproc)
for preset in release asan; do
  echo "=== build: $preset"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  echo "=== test: $preset"
  ctest --preset "$preset" -j "$jobs" --timeout 600
done
