#!/usr/bin/env bash
# Installs what events-api needs to build, run and test on Debian 12, as root. Idempotent: a package
# already installed is not fetched again, and apt's lists are refreshed only when something is missing.
#   scripts/install-deps.sh          build + run dependencies
#   scripts/install-deps.sh --test   also the servers and tools the test suite drives
set -euo pipefail

# file: CPack's Debian generator reads the binary with it to find its library dependencies
# (docs/deployment.md: cpack -G DEB).
packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates file
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libyaml-cpp-dev libsqlite3-dev libpq-dev libhiredis-dev libsodium-dev libre2-dev
  libspdlog-dev libfmt-dev libcli11-dev
)
if [[ "${1:-}" == "--test" ]]; then
  # systemd: systemd-analyze checks the packaged units; nginx runs the example config in front of
  # two instances (tests/packaging).
  packages+=(libgtest-dev libgmock-dev googletest postgresql redis-server sqlite3 curl wrk
             chromium systemd nginx)
fi

# npm installs the docs page's assets (web/) and the test clients; Debian's packages serve when the
# machine has no Node.js of its own. Their Node 18 is enough: the tests run their clients with
# Node 22 from npm (tests/e2e/package.json, cmake/EaNode.cmake), which npm 9 installs fine.
if ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if ((${#missing[@]} > 0)); then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  # The servers installed here (PostgreSQL, Redis, nginx) are for the tests, which start their
  # own on loopback ports: keep the packages from starting system-wide ones (on port 80, 5432,
  # 6379) while they install. policy-rc.d is Debian's switch for that; one already present is
  # left alone.
  guard=""
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    guard=/usr/sbin/policy-rc.d
  fi
  trap '[[ -n "$guard" ]] && rm -f "$guard"' EXIT
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
