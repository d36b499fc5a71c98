#!/usr/bin/env bash
# The Debian package as CPack builds it from this build tree: its control data (name, version,
# library dependencies from dpkg-shlibdeps, conffiles, maintainer scripts), its files, and that
# what it installs works together: the packaged binary runs, reads the packaged config file and
# checks the packaged schema, and systemd accepts the packaged units in a root holding the
# package's files. Installing it on a clean Debian 12 root is shown in docs/deployment.md.
#   deb_test.sh BUILD_DIR
set -euo pipefail
build=${1:?usage: deb_test.sh BUILD_DIR}
work=$(mktemp -d /tmp/events-api-deb-XXXXXX)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
check() {  # check DESCRIPTION COMMAND...
  local what=$1
  shift
  if "$@" >"$work/out" 2>&1; then
    passed=$((passed + 1))
    echo "PASS $what"
  else
    failed=$((failed + 1))
    echo "FAIL $what: $(tr '\n' ' ' <"$work/out" | cut -c1-600)"
  fi
}

(cd "$build" && cpack -G DEB -B "$work/pkg" >"$work/cpack.log" 2>&1) ||
  { echo "FAIL cpack: $(grep -v '^CPack: ' "$work/cpack.log" | head -c 2000)"; exit 1; }
deb=$(ls "$work"/pkg/events-api_*_amd64.deb)
info=$(dpkg-deb --info "$deb")
contents=$(dpkg-deb --contents "$deb")

has() { grep -qE -- "$1" <<<"$2"; }
check "package name and version" has '^ Package: events-api$' "$info"
check "version is the project's" has "^ Version: $("$build/src/events-api" --version | awk '{print $2}')$" "$info"
for lib in libsqlite3-0 libsodium23 libyaml-cpp0.7 libre2-9 libhiredis0.14 'libboost-json1\.81\.0'; do
  check "depends on $lib (dpkg-shlibdeps)" has "^ Depends: .*\b$lib\b" "$info"
done
for file in ./usr/bin/events-api ./usr/share/events-api/schema.yaml ./etc/events-api/config.yaml \
            ./etc/events-api/env ./etc/events-api/mcp.env ./lib/systemd/system/events-api.service \
            ./lib/systemd/system/events-api-mcp.socket ./lib/systemd/system/events-api-mcp@.service \
            ./usr/share/doc/events-api/deployment.md; do
  check "ships $file" has " $file\$" "$contents"
done
check "env files are root-only" has '^-rw------- root/root .* \./etc/events-api/env$' "$contents"

dpkg-deb --control "$deb" "$work/control"
check "conffiles lists the three files in /etc" \
  diff <(sort "$work/control/conffiles") \
       <(printf '%s\n' /etc/events-api/config.yaml /etc/events-api/env /etc/events-api/mcp.env)
for script in postinst prerm postrm; do
  check "$script is valid sh" sh -n "$work/control/$script"
done

root=$work/root
dpkg-deb -x "$deb" "$root"
bin=$root/usr/bin/events-api
check "the packaged binary runs" "$bin" --version
check "the packaged schema passes schema check" \
  "$bin" --schema "$root/usr/share/events-api/schema.yaml" schema check
# The packaged config names the packaged paths; here they are under $root, so schema and db are
# given as flags, which beat the file (every other key still comes from it).
check "the packaged config file loads and migrates a database" \
  "$bin" --config "$root/etc/events-api/config.yaml" \
         --schema "$root/usr/share/events-api/schema.yaml" --db "sqlite://$work/check.db" migrate
# The root gets the machine's own systemd units (the targets ours are ordered against), as a
# system the package is installed on has them.
cp -an /lib/systemd/system/. "$root/lib/systemd/system/"
check "systemd accepts the units" \
  systemd-analyze verify --root="$root" /lib/systemd/system/events-api.service \
    /lib/systemd/system/events-api-mcp.socket

echo "$passed passed, $failed failed"
[[ $failed -eq 0 && $passed -gt 0 ]]
