#!/usr/bin/env bash
# Installs what Mueang needs on a fresh machine of this kind (Debian, root, Swift preinstalled).
#   --demo  what the demo needs (Thai fonts, Leaflet, Chart.js)
#   --test  also PostgreSQL 15 + PostGIS, headless Chromium and its driver, wrk, and the
#           Python test tools (selenium, pytest, requests, schemathesis, openapi-spec-validator,
#           openpyxl for the spreadsheets the end-to-end tests write)
set -euo pipefail
want_test=0
[ "${1:-}" = "--test" ] && want_test=1

packages=(zlib1g-dev fonts-thai-tlwg libjs-leaflet libjs-chart.js)
if [ $want_test = 1 ]; then
    packages+=(postgresql-15 postgresql-client-15 postgresql-15-postgis-3 chromium chromium-driver wrk)
fi
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ $want_test = 1 ]; then
    python3 - <<'PY' 2>/dev/null || python3 -m pip install -q --disable-pip-version-check selenium pytest requests schemathesis openapi-spec-validator openpyxl
import selenium, pytest, requests, schemathesis, openapi_spec_validator, openpyxl
PY
fi
