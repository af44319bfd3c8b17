#!/usr/bin/env bash
# City-database benchmarks (issue 3, Performance), all measured in one run, printed as ratios:
#  1. PostgreSQL: import of a 1,000,000-row, 10-column CSV through the API (job polled to done)
#     against COPY of the same file into an equivalent plain typed table in the same database;
#     peak memory (VmHWM) of `mueang serve`.
#  2. PostgreSQL: group-by count and sum, the aggregate endpoint against hand-written SQL on the
#     plain table (best of 5 each, timed from the client).
#  3. The same two on SQLite: `mueang serve --data-dir` against sqlite3 `.import` and GROUP BY
#     on a plain table in a separate SQLite file.
#  4. On both: the CSV export of the million records through the API, downloaded to a file,
#     against the database's own CSV output of the plain table (`\copy ... TO`, sqlite3 -csv).
#     The issue sets no target for it; it is printed so a slow export shows.
# Usage: bench/citydb/run.sh [path/to/release/mueang]   (ROWS=... for a smaller trial run)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
HERE="$ROOT/bench/citydb"
BIN="${1:-$ROOT/.build-release/release/mueang}"
ROWS="${ROWS:-1000000}"
RUNS=5
[ -x "$BIN" ] || { echo "build first: swift build -c release --product mueang --scratch-path .build-release" >&2; exit 2; }
command -v sqlite3 >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlite3 >/dev/null; }
command -v psql >/dev/null || { echo "psql is needed (postgresql-client-15)" >&2; exit 2; }
# shellcheck source=../../scripts/pg-cluster.sh
source "$ROOT/scripts/pg-cluster.sh"

WORK=$(mktemp -d /tmp/bench-citydb.XXXXXX)
PGDIR=$(mktemp -d /tmp/bench-citydb-pg.XXXXXX)
SERVER=""
cleanup() {
    if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
    pg_cluster_stop "$PGDIR"
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { python3 -c 'import time; print(f"{time.perf_counter():.6f}")'; }
ratio() { python3 -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print(f'{a / b:.2f}')" "$1" "$2"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
verdict() { python3 -c "import sys; print('OK' if float(sys.argv[1]) <= float(sys.argv[2]) else 'MISSED')" "$1" "$2"; }

CSV="$WORK/data.csv"
echo "generating $ROWS rows..." >&2
python3 "$HERE/gen.py" "$CSV" "$ROWS"
echo "file: $(du -m "$CSV" | cut -f1) MB, $ROWS rows, 10 columns" >&2
sync

GROUP_SQL_PG="SELECT community, count(*), sum(income)::float8 FROM plain GROUP BY 1 ORDER BY 2 DESC"
GROUP_SQL_LITE="SELECT community, count(*), sum(income) FROM plain GROUP BY 1 ORDER BY 2 DESC;"
TABLE_PG="CREATE TABLE plain (code text, owner text, community text, category text, address text,
    households integer, population integer, income numeric(12,2), area_rai numeric(10,2), surveyed date)"
TABLE_LITE="CREATE TABLE plain (code TEXT, owner TEXT, community TEXT, category TEXT, address TEXT,
    households INTEGER, population INTEGER, income REAL, area_rai REAL, surveyed TEXT);"

# Starts `mueang serve` (environment as given), sets SERVER and BASE.
start_server() {
    local port; port=$(free_port)
    env -u DATABASE_URL "$@" "$BIN" serve --data-dir "$WORK/var" --port "$port" >"$WORK/server.log" 2>&1 &
    SERVER=$!
    BASE="http://127.0.0.1:$port"
    python3 "$HERE/api.py" wait "$BASE"
}
stop_server() { kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; SERVER=""; }

# Tenant, admin and token with the CLI, then the dataset, the import and the aggregates.
# Sets IMPORT_S, HWM_MB, AGG_MS, AGG_ITEMS, EXPORT_S, EXPORT_LINES, EXPORT_HWM_MB.
api_round() {
    local -a envs=("$@")
    env -u DATABASE_URL "${envs[@]}" "$BIN" tenant create --data-dir "$WORK/var" --slug bench --name-th "เทศบาลทดสอบ" --name-en "Bench" --lat 14.4 --lon 102.8 >/dev/null
    env -u DATABASE_URL "${envs[@]}" "$BIN" user create --data-dir "$WORK/var" --tenant bench --username admin --role admin --password pw12345678 >/dev/null
    TOKEN=$(env -u DATABASE_URL "${envs[@]}" "$BIN" token create --data-dir "$WORK/var" --tenant bench --user admin | tail -1)
    start_server "${envs[@]}"
    python3 "$HERE/api.py" dataset "$BASE" "$TOKEN" bench register
    local out; out=$(python3 "$HERE/api.py" import "$BASE" "$TOKEN" bench register "$CSV" "$SERVER")
    IMPORT_S=$(sed -n 1p <<<"$out")
    echo "  import result: $(sed -n 2p <<<"$out")" >&2
    HWM_MB=$(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$SERVER/status")
    out=$(python3 "$HERE/api.py" aggregate "$BASE" "$TOKEN" bench register community income "$RUNS")
    AGG_MS=$(sed -n 1p <<<"$out")
    AGG_ITEMS=$(sed -n 2p <<<"$out")
    out=$(python3 "$HERE/api.py" export "$BASE" "$TOKEN" bench register csv "$WORK/export.csv")
    EXPORT_S=$(sed -n 1p <<<"$out")
    EXPORT_LINES=$(sed -n 2p <<<"$out")
    EXPORT_HWM_MB=$(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$SERVER/status")
    rm -f "$WORK/export.csv"
    stop_server
}

# Best "Time: N ms" of psql \timing over RUNS runs of a query.
pg_best_ms() {
    { echo '\timing on'; for _ in $(seq "$RUNS"); do echo "$1;"; done; } |
        psql -X -q -d "$2" -o /dev/null 2>&1 | awk '/^Time:/ { if (best == "" || $2 < best) best = $2 } END { print best }'
}

report() {  # engine import_s baseline_s hwm agg_ms base_ms export_s export_base_s export_lines export_hwm
    local r1 r2 r3; r1=$(ratio "$2" "$3"); r2=$(ratio "$5" "$6"); r3=$(ratio "$7" "$8")
    printf '%-10s import %8.2f s   baseline %8.2f s   ratio %5.2fx (target <= 3x) %s\n' "$1" "$2" "$3" "$r1" "$(verdict "$r1" 3)"
    printf '%-10s peak memory of mueang serve (VmHWM): %s MB (target < 300 MB) %s\n' "$1" "$4" "$(python3 -c "print('OK' if $4 < 300 else 'MISSED')")"
    printf '%-10s aggregate %7.1f ms   baseline %7.1f ms   ratio %5.2fx (target <= 2x) %s\n' "$1" "$5" "$6" "$r2" "$(verdict "$r2" 2)"
    printf '%-10s export CSV %7.2f s   baseline %7.2f s   ratio %5.2fx (no target; %s lines; peak memory after it %s MB)\n' "$1" "$7" "$8" "$r3" "$9" "${10}"
}

# ---------------------------------------------------------------- PostgreSQL
echo "PostgreSQL: starting a throw-away cluster..." >&2
pg_cluster_start "$PGDIR" -c shared_buffers=256MB -c max_wal_size=4GB -c min_wal_size=2GB
ADMIN_URL="$PG_URL"
# A new cluster has no write-ahead log files yet, and makes each one (16 MB of zeros) the first
# time it is needed; a server that has been running reuses old ones. Both measurements are of
# the running server: 2 GB of log is written and checkpointed first, so its files are there
# (min_wal_size keeps them for reuse).
psql -X -q -d "$ADMIN_URL" -c "CREATE TABLE warm_up AS SELECT g, repeat('x', 600) AS t FROM generate_series(1, 3000000) g" \
    -c "DROP TABLE warm_up" -c "CHECKPOINT" >/dev/null
sync   # and the log's gigabytes leave the page cache now, not during a measurement
psql -X -q -d "$ADMIN_URL" -c "CREATE DATABASE mueang" >/dev/null
DB_URL="postgres://postgres@127.0.0.1:$PG_PORT/mueang"
psql -X -q -d "$DB_URL" -c "$TABLE_PG" >/dev/null
echo "PostgreSQL: COPY baseline..." >&2
t0=$(now)
psql -X -q -d "$DB_URL" -c "\\copy plain FROM '$CSV' WITH (FORMAT csv, HEADER true)" >/dev/null
t1=$(now)
PG_COPY_S=$(python3 -c "print(f'{$t1 - $t0:.3f}')")
psql -X -q -d "$DB_URL" -c "VACUUM ANALYZE plain" >/dev/null
PG_SQL_MS=$(pg_best_ms "$GROUP_SQL_PG" "$DB_URL")
t0=$(now)
psql -X -q -d "$DB_URL" -c "\\copy plain TO '$WORK/plain.csv' WITH (FORMAT csv, HEADER true)" >/dev/null
t1=$(now)
PG_EXPORT_BASE_S=$(python3 -c "print(f'{$t1 - $t0:.3f}')")
rm -f "$WORK/plain.csv"
# The COPY and VACUUM above leave the plain table's pages dirty in the buffers; written back
# here, so the import starts from a clean server as the COPY did (after the warm-up's CHECKPOINT).
# (The cluster runs with fsync=off: what is written stays in the page cache until flushed.)
psql -X -q -d "$ADMIN_URL" -c "CHECKPOINT" >/dev/null
sync
echo "PostgreSQL: API import..." >&2
api_round DATABASE_URL="$DB_URL"
PG_IMPORT_S=$IMPORT_S PG_HWM=$HWM_MB PG_AGG_MS=$AGG_MS PG_ITEMS=$AGG_ITEMS
PG_EXPORT_S=$EXPORT_S PG_EXPORT_LINES=$EXPORT_LINES PG_EXPORT_HWM=$EXPORT_HWM_MB
PG_CHECK=$(psql -X -qAt -d "$DB_URL" -c "SELECT string_agg(community || '=' || n, ' ') FROM (SELECT community, count(*) n FROM plain GROUP BY 1 ORDER BY 2 DESC, 1) s")
pg_cluster_stop "$PGDIR"

# ---------------------------------------------------------------- SQLite
rm -rf "$WORK/var"
# The PostgreSQL section leaves gigabytes in the page cache still to be written back: flushed
# here, so that neither measurement below pays for another section's writes.
sync
echo "SQLite: .import baseline..." >&2
t0=$(now)
sqlite3 "$WORK/plain.sqlite" <<SQL
$TABLE_LITE
.import --csv --skip 1 $CSV plain
SQL
t1=$(now)
LITE_COPY_S=$(python3 -c "print(f'{$t1 - $t0:.3f}')")
LITE_SQL_MS=$({ echo '.timer on'; for _ in $(seq "$RUNS"); do echo "$GROUP_SQL_LITE"; done; } |
    sqlite3 "$WORK/plain.sqlite" 2>&1 | awk '/^Run Time:/ { ms = $4 * 1000; if (best == "" || ms < best) best = ms } END { print best }')
t0=$(now)
sqlite3 -csv -header "$WORK/plain.sqlite" "SELECT * FROM plain" >"$WORK/plain.csv"
t1=$(now)
LITE_EXPORT_BASE_S=$(python3 -c "print(f'{$t1 - $t0:.3f}')")
rm -f "$WORK/plain.csv"
sync
echo "SQLite: API import..." >&2
api_round MUEANG_ENV=development
LITE_IMPORT_S=$IMPORT_S LITE_HWM=$HWM_MB LITE_AGG_MS=$AGG_MS LITE_ITEMS=$AGG_ITEMS
LITE_EXPORT_S=$EXPORT_S LITE_EXPORT_LINES=$EXPORT_LINES LITE_EXPORT_HWM=$EXPORT_HWM_MB

# ---------------------------------------------------------------- Results
check() {  # the aggregate endpoint's counts must equal the plain table's
    python3 - "$1" "$2" <<'PY'
import json, sys
items = json.loads(sys.argv[1]); want = dict(kv.rsplit("=", 1) for kv in sys.argv[2].split())
got = {i["group"]: i["count"] for i in items}
print("counts match the plain table" if got == {k: int(v) for k, v in want.items()} else f"COUNTS DIFFER: {got} vs {want}")
PY
}
echo
echo "City database, $ROWS rows x 10 columns ($(du -m "$CSV" | cut -f1) MB CSV), $(nproc) CPUs"
report PostgreSQL "$PG_IMPORT_S" "$PG_COPY_S" "$PG_HWM" "$PG_AGG_MS" "$PG_SQL_MS" "$PG_EXPORT_S" "$PG_EXPORT_BASE_S" "$PG_EXPORT_LINES" "$PG_EXPORT_HWM"
echo "           aggregate check: $(check "$PG_ITEMS" "$PG_CHECK")"
LITE_CHECK=$(sqlite3 "$WORK/plain.sqlite" "SELECT group_concat(community || '=' || n, ' ') FROM (SELECT community, count(*) n FROM plain GROUP BY 1)")
report SQLite "$LITE_IMPORT_S" "$LITE_COPY_S" "$LITE_HWM" "$LITE_AGG_MS" "$LITE_SQL_MS" "$LITE_EXPORT_S" "$LITE_EXPORT_BASE_S" "$LITE_EXPORT_LINES" "$LITE_EXPORT_HWM"
echo "           aggregate check: $(check "$LITE_ITEMS" "$LITE_CHECK")"
