#!/usr/bin/env bash
# Import by key against a fresh import, through the API, on PostgreSQL and SQLite, in one run:
#  - a dataset of the benchmark's 10 columns, its code unique;
#  - ROWS rows (default 10,000) imported into it (timed: "insert");
#  - a file of the same codes with other values imported with ?key=code (timed: "update"):
#    every row updates a record that was imported in bulk, so each gets its first version
#    row written as well as its new one.
# Target: the update takes at most 3x the insert. Another dataset is imported first on each
# server, untimed, so neither timed step pays for a cold start.
# Usage: bench/citydb/keyimport.sh [path/to/mueang]   (ROWS=...; PG_URL=... to use a running
# PostgreSQL, where a throw-away database is made, instead of a cluster of its own)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
HERE="$ROOT/bench/citydb"
BIN="${1:-$ROOT/.build-release/release/mueang}"
ROWS="${ROWS:-10000}"
[ -x "$BIN" ] || { echo "build first: swift build -c release --product mueang --scratch-path .build-release" >&2; exit 2; }
# shellcheck source=../../scripts/pg-cluster.sh
source "$ROOT/scripts/pg-cluster.sh"

WORK=$(mktemp -d /tmp/bench-keyimport.XXXXXX)
PGDIR=""
SERVER=""
OWN_DB=""
cleanup() {
    local status=$?
    if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
    if [ "$status" != 0 ] && [ -s "$WORK/server.log" ]; then tail -n 30 "$WORK/server.log" | cut -c1-400 >&2; fi
    if [ -n "$OWN_DB" ]; then psql -X -q -d "$PG_URL" -c "DROP DATABASE IF EXISTS $OWN_DB" >/dev/null 2>&1 || true; fi
    if [ -n "$PGDIR" ]; then pg_cluster_stop "$PGDIR"; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ratio() { python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f}')" "$1" "$2"; }
verdict() { python3 -c "import sys; print('OK' if float(sys.argv[1]) <= float(sys.argv[2]) else 'MISSED')" "$1" "$2"; }

python3 "$HERE/gen.py" "$WORK/rows.csv" "$ROWS"
python3 "$HERE/gen.py" "$WORK/changed.csv" "$ROWS" 7   # the same codes, other values

# One engine: ENV... (e.g. DATABASE_URL=...); prints its line.
measure() {
    local engine=$1; shift
    rm -rf "$WORK/var"
    env -u DATABASE_URL "$@" "$BIN" tenant create --data-dir "$WORK/var" --slug bench --name-th "เทศบาลทดสอบ" --name-en "Bench" --lat 14.4 --lon 102.8 >/dev/null
    env -u DATABASE_URL "$@" "$BIN" user create --data-dir "$WORK/var" --tenant bench --username admin --role admin --password pw12345678 >/dev/null
    local token; token=$(env -u DATABASE_URL "$@" "$BIN" token create --data-dir "$WORK/var" --tenant bench --user admin | tail -1)
    local port; port=$(free_port)
    env -u DATABASE_URL "$@" "$BIN" serve --data-dir "$WORK/var" --port "$port" >"$WORK/server.log" 2>&1 &
    SERVER=$!
    local base="http://127.0.0.1:$port"
    python3 "$HERE/api.py" wait "$base"
    python3 "$HERE/api.py" dataset "$base" "$token" bench warmup unique
    python3 "$HERE/api.py" import "$base" "$token" bench warmup "$WORK/rows.csv" "$SERVER" >/dev/null
    python3 "$HERE/api.py" dataset "$base" "$token" bench register unique
    local out insert update
    out=$(python3 "$HERE/api.py" import "$base" "$token" bench register "$WORK/rows.csv" "$SERVER")
    insert=$(sed -n 1p <<<"$out"); echo "  $engine insert: $(sed -n 2p <<<"$out")" >&2
    out=$(python3 "$HERE/api.py" import "$base" "$token" bench register "$WORK/changed.csv" "$SERVER" "mode=valid_rows&key=code")
    update=$(sed -n 1p <<<"$out"); echo "  $engine update: $(sed -n 2p <<<"$out")" >&2
    kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; SERVER=""
    local r; r=$(ratio "$update" "$insert")
    printf '%-10s %d rows: insert %7.2f s   update by key %7.2f s (%.2f ms a row)   ratio %5.2fx (target <= 3x) %s\n' \
        "$engine" "$ROWS" "$insert" "$update" "$(python3 -c "print($update * 1000 / $ROWS)")" "$r" "$(verdict "$r" 3)"
}

if [ -n "${PG_URL:-}" ]; then
    OWN_DB="bench_keyimport_$$"
    psql -X -q -d "$PG_URL" -c "CREATE DATABASE $OWN_DB" >/dev/null
    DB_URL="${PG_URL%/*}/$OWN_DB"
else
    PGDIR=$(mktemp -d /tmp/bench-keyimport-pg.XXXXXX)
    pg_cluster_start "$PGDIR"
    DB_URL="${PG_URL%/*}/postgres"
fi
RESULTS=("$(measure PostgreSQL DATABASE_URL="$DB_URL")")
RESULTS+=("$(measure SQLite)")
echo
printf '%s\n' "${RESULTS[@]}"
