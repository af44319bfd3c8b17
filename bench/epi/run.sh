#!/usr/bin/env bash
# Benchmarks of the spatial epidemiology engine, in one run:
#  1. tau over 20,000 cases (indexed vs naive all-pairs loop in the same build);
#  2. households within 100 m of 2,000 cases among 200,000 households: Swift grid index vs
#     PostGIS ST_DWithin on a GiST-indexed table, same data, throw-away cluster on loopback.
# Usage: bench/epi/run.sh            (from anywhere; builds bench-epi in release)
#        BENCH_EPI_BIN=/path/bench-epi bench/epi/run.sh   (use an existing release binary)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"

if [ ! -f /usr/share/postgresql/15/extension/postgis.control ]; then
    echo "installing postgresql-15-postgis-3 ..."
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql-15-postgis-3
fi

BIN="${BENCH_EPI_BIN:-}"
if [ -z "$BIN" ]; then
    (cd "$ROOT" && swift build -c release --product bench-epi)
    BIN="$ROOT/.build/release/bench-epi"
fi

WORK="$(mktemp -d /tmp/bench-epi.XXXXXX)"
chmod 755 "$WORK"
source "$ROOT/scripts/pg-cluster.sh"
cleanup() { pg_cluster_stop "$WORK/pg"; rm -rf "$WORK"; }
trap cleanup EXIT

"$BIN" tau

"$BIN" households --out "$WORK" | tee "$WORK/swift.txt"
chmod 644 "$WORK"/*.csv
SWIFT_PAIRS=$(sed -n 's/.*swift_pairs=//p' "$WORK/swift.txt")
SWIFT_Q=$(sed -n 's/.*swift_query_seconds=//p' "$WORK/swift.txt")
SWIFT_B=$(sed -n 's/.*swift_index_build_seconds=//p' "$WORK/swift.txt")

pg_cluster_start "$WORK/pg" -c shared_buffers=256MB -c work_mem=64MB
PORT=$PG_PORT
PSQL=(psql -X -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1)

"${PSQL[@]}" <<SQL
CREATE EXTENSION postgis;
CREATE TABLE households (id int PRIMARY KEY, x double precision, y double precision, geom geometry(Point, 32647));
CREATE TABLE cases (id int PRIMARY KEY, x double precision, y double precision, geom geometry(Point, 32647));
\copy households (id, x, y) FROM '$WORK/households.csv' WITH (FORMAT csv, HEADER true)
\copy cases (id, x, y) FROM '$WORK/cases.csv' WITH (FORMAT csv, HEADER true)
UPDATE households SET geom = ST_SetSRID(ST_MakePoint(x, y), 32647);
UPDATE cases SET geom = ST_SetSRID(ST_MakePoint(x, y), 32647);
CREATE INDEX households_geom ON households USING gist (geom);
VACUUM ANALYZE households;
VACUUM ANALYZE cases;
SQL

QUERY="SELECT count(*) FROM cases c JOIN households h ON ST_DWithin(c.geom, h.geom, 100);"
BEST=""
PG_PAIRS=""
for _ in 1 2 3 4 5; do
    OUT=$("${PSQL[@]}" -At -c '\timing on' -c "$QUERY")
    PG_PAIRS=$(echo "$OUT" | head -1)
    MS=$(echo "$OUT" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p')
    if [ -z "$BEST" ] || awk "BEGIN{exit !($MS < $BEST)}"; then BEST=$MS; fi
done
PG_S=$(awk "BEGIN{print $BEST/1000}")
echo "  postgis_pairs=$PG_PAIRS"
echo "  postgis_query_seconds=$PG_S (ST_DWithin on GiST, best of 5)"
if [ "$PG_PAIRS" != "$SWIFT_PAIRS" ]; then echo "  WARNING: pair counts differ (swift $SWIFT_PAIRS, postgis $PG_PAIRS)"; fi
awk "BEGIN{printf \"  ratio postgis/swift (query only): %.1fx; including the Swift index build: %.1fx\n\", $PG_S/$SWIFT_Q, $PG_S/($SWIFT_Q+$SWIFT_B)}"
