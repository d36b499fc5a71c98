#!/usr/bin/env bash
# Installs the npm packages the build embeds (web/: the docs page's Swagger UI) and, with --test,
# the test clients (tests/e2e/: playwright-core, the OpenAPI validator). Idempotent: `npm ci` runs
# only when the lock file changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/.."

install() {
  local dir=$1
  local stamp="$dir/node_modules/.ea-lock-stamp"
  if [[ -f "$stamp" ]] && cmp -s "$dir/package-lock.json" "$stamp"; then
    return
  fi
  echo "install-npm: npm ci in $dir"
  npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
  cp "$dir/package-lock.json" "$stamp"
}

install web
if [[ "${1:-}" == "--test" ]]; then
  install tests/e2e
fi
