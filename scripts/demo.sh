#!/usr/bin/env bash
# One command from a fresh machine to a running demo: installs what is missing, builds,
# seeds the three demo municipalities into ./var (embedded SQLite) and serves them.
# Usage: scripts/demo.sh [--port 8080]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --demo
swift build --product mueang
exec .build/debug/mueang demo --data-dir ./var "$@"
