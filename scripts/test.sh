#!/usr/bin/env bash
# Runs every test: unit and integration tests on SQLite and on a throw-away PostgreSQL cluster
# (swift test), then the end-to-end tests against the real binary, including the headless
# Chromium browser test (pytest). Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --test
source scripts/pg-cluster.sh

swift build --build-tests

PGDIR=$(mktemp -d /tmp/mueang-test-pg.XXXXXX)
trap 'pg_cluster_stop "$PGDIR"' EXIT
# The suite runs its tests in parallel, each app with its own pools: more than the default 100 connections.
pg_cluster_start "$PGDIR" -c max_connections=300
echo "throw-away PostgreSQL on port $PG_PORT"

status=0
MUEANG_TEST_POSTGRES_URL="$PG_URL" MUEANG_REQUIRE_POSTGRES=1 swift test --skip-build || status=$?
MUEANG_REQUIRE_POSTGRES=1 MUEANG_BIN="$PWD/.build/debug/mueang" python3 -m pytest -q tests/e2e || status=$?
exit $status
