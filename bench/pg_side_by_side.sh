#!/usr/bin/env bash
# PostgreSQL 15 beside store_bench on the same rows: loads the Events of a seeded SQLite file into
# a throw-away PostgreSQL cluster (loopback only, in a temp dir), builds the indexes the issue
# names (pg_trgm GIN on title, btree on the filtered and sorted fields), and times the queries
# the API runs for the same benchmark operations, each as page + count (what a response with an
# exact total costs): the five contains needles (ILIKE), the five fuzzy typos (<% and
# word_similarity order) and the filtered, sorted page (pages 1-20).
#
# Usage: bench/pg_side_by_side.sh SQLITE_DB [rounds=3] [ops=20] [port=54329]
# Prints one line per operation: the median over rounds of each round's p50 and p99 (ms), from
# pgbench's per-transaction log. Needs PostgreSQL 15 (/usr/lib/postgresql/15/bin) and root (it
# runs the server as the postgres user). Leaves nothing behind (the cluster is deleted on exit).
set -euo pipefail
db=${1:?usage: pg_side_by_side.sh SQLITE_DB [rounds] [ops] [port]}
rounds=${2:-3}
ops=${3:-20}
port=${4:-54329}
bin=/usr/lib/postgresql/15/bin
work=$(mktemp -d /tmp/pg-side.XXXXXX)
chown postgres "$work"
as_pg() { runuser -u postgres -- "$@"; }
cleanup() {
  as_pg "$bin/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

as_pg "$bin/initdb" -D "$work/data" -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$bin/pg_ctl" -D "$work/data" -l "$work/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $work -c shared_buffers=256MB -c fsync=off \
      -c synchronous_commit=off -c max_wal_size=4GB -c jit=off" start >/dev/null
psql=(as_pg "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -d postgres)

"${psql[@]}" <<'SQL'
CREATE EXTENSION pg_trgm;
CREATE TABLE event (id text PRIMARY KEY, url text, title text, "dateTime" timestamptz,
  location text, cost double precision, "numOfExpectedAttendees" integer, recurrence text,
  tags jsonb, "createdAt" timestamptz, "updatedAt" timestamptz);
SQL
start=$(date +%s)
sqlite3 -csv "$db" 'SELECT id, url, title, "dateTime", location, cost, "numOfExpectedAttendees",
  recurrence, tags, "createdAt", "updatedAt" FROM "Event"' |
  "${psql[@]}" -c '\copy event FROM STDIN WITH (FORMAT csv)'
"${psql[@]}" <<'SQL'
CREATE INDEX event_title_trgm ON event USING gin (title gin_trgm_ops);
CREATE INDEX event_datetime ON event ("dateTime");
CREATE INDEX event_cost ON event (cost);
CREATE INDEX event_attendees ON event ("numOfExpectedAttendees");
VACUUM ANALYZE event;
SQL
rows=$("${psql[@]}" -At -c 'SELECT count(*) FROM event')
echo "postgresql 15: $rows events loaded and indexed in $(( $(date +%s) - start )) s"

# Runs the pgbench script $2 ($ops transactions) $rounds times; prints name, median p50, p99.
measure() {
  local name=$1 script=$2 p50s=() p99s=()
  as_pg "$bin/pgbench" -n -h 127.0.0.1 -p "$port" -t 3 -f "$script" postgres >/dev/null  # warm
  for ((r = 0; r < rounds; r++)); do
    rm -f "$work"/pgbench_log.*
    (cd "$work" && as_pg "$bin/pgbench" -n -h 127.0.0.1 -p "$port" -t "$ops" -f "$script" -l \
      postgres >/dev/null)
    # Field 3 of pgbench's log is the transaction's latency in microseconds.
    mapfile -t lat < <(awk '{print $3}' "$work"/pgbench_log.* | sort -n)
    local n=${#lat[@]}
    p50s+=("${lat[$(( (n - 1) / 2 ))]}")
    p99s+=("${lat[$(( (n - 1) * 99 / 100 ))]}")
  done
  local m50 m99
  m50=$(printf '%s\n' "${p50s[@]}" | sort -n | sed -n "$(( (rounds + 1) / 2 ))p")
  m99=$(printf '%s\n' "${p99s[@]}" | sort -n | sed -n "$(( (rounds + 1) / 2 ))p")
  printf '%-34s p50 %9.1f ms  p99 %9.1f ms\n' "$name" "$(echo "$m50/1000" | bc -l)" \
    "$(echo "$m99/1000" | bc -l)"
}

# One script per operation; each transaction runs the page (26 rows: one tells whether more
# follow) and the exact count, cycling through the operation's inputs.
script() { local f="$work/$1.sql"; cat >"$f"; chmod a+r "$f"; echo "$f"; }
needles=("jazz" "poetry" "rooftop" "chess" "wine tast")
typos=("jaz nite" "poetry slamm" "roftop" "chess turnament" "wine tastng")
contains=$(script contains <<EOF2
\set i random(0, 4)
SELECT * FROM event WHERE title ILIKE '%' || (ARRAY['${needles[0]}','${needles[1]}','${needles[2]}','${needles[3]}','${needles[4]}'])[:i + 1] || '%' ORDER BY id LIMIT 26;
SELECT count(*) FROM event WHERE title ILIKE '%' || (ARRAY['${needles[0]}','${needles[1]}','${needles[2]}','${needles[3]}','${needles[4]}'])[:i + 1] || '%';
EOF2
)
fuzzy=$(script fuzzy <<EOF2
\set i random(0, 4)
SET pg_trgm.word_similarity_threshold = 0.3;
SELECT *, word_similarity(q, title) AS s FROM event, (SELECT (ARRAY['${typos[0]}','${typos[1]}','${typos[2]}','${typos[3]}','${typos[4]}'])[:i + 1] AS q) AS p WHERE q <% title ORDER BY s DESC, id LIMIT 26;
SELECT count(*) FROM event, (SELECT (ARRAY['${typos[0]}','${typos[1]}','${typos[2]}','${typos[3]}','${typos[4]}'])[:i + 1] AS q) AS p WHERE q <% title;
EOF2
)
page=$(script page <<'EOF2'
\set p random(0, 19)
SELECT * FROM event WHERE cost < 20 AND "numOfExpectedAttendees" >= 500 ORDER BY "dateTime" DESC NULLS LAST, id LIMIT 26 OFFSET 25 * :p;
SELECT count(*) FROM event WHERE cost < 20 AND "numOfExpectedAttendees" >= 500;
EOF2
)
measure "pg contains (title, page+count)" "$contains"
measure "pg fuzzy (title, page+count)" "$fuzzy"
measure "pg filter+sort+page (page+count)" "$page"
