#!/usr/bin/env bash
# Platform benchmarks, all measured in one run against the release binary:
#  1. cold start: exec of `mueang serve` to the first answered request (median of 5);
#  2. idle memory (RSS) of `mueang serve` with the demo loaded;
#  3. throughput of an authenticated tenant page under wrk (20 s, 16 connections) against the
#     static /healthz in the same run, and their ratio.
# Usage: bench/platform/run.sh [path/to/release/mueang]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BIN="${1:-$ROOT/.build/release/mueang}"
[ -x "$BIN" ] || { echo "build first: swift build -c release --product mueang" >&2; exit 2; }
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
WORK=$(mktemp -d /tmp/bench-platform.XXXXXX)
PID=""
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

"$BIN" demo --no-serve --data-dir "$WORK/var" > "$WORK/demo.txt" 2>/dev/null
PASSWORD=$(awk '$1 == "admin" && /t\/nongki\/login/ { print $3 }' "$WORK/demo.txt")
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"

# 1. Cold start, five times.
starts=()
for i in 1 2 3 4 5; do
    ms=$(python3 - "$BIN" "$WORK/var" "$PORT" <<'PY'
import subprocess, sys, time, urllib.request
binary, data, port = sys.argv[1:4]
t0 = time.perf_counter()
p = subprocess.Popen([binary, "serve", "--data-dir", data, "--port", port], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
while True:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
        break
    except Exception:
        if p.poll() is not None: sys.exit("server exited")
        time.sleep(0.002)
print(f"{(time.perf_counter() - t0) * 1000:.0f}")
p.terminate(); p.wait()
PY
)
    starts+=("$ms")
done
COLD=$(printf '%s\n' "${starts[@]}" | sort -n | sed -n 3p)
echo "cold start to first served request: median ${COLD} ms (runs: ${starts[*]} ms)"

# 2. Idle memory after the demo's pages have been served once.
"$BIN" serve --data-dir "$WORK/var" --port "$PORT" >/dev/null 2>&1 &
PID=$!
python3 - "$BASE" <<'PY'
import sys, time, urllib.request
base = sys.argv[1]
for _ in range(500):
    try: urllib.request.urlopen(base + "/healthz", timeout=1); break
    except Exception: time.sleep(0.01)
for path in ["/", "/t/nongki", "/t/lahansai", "/t/hatyai", "/t/nongki/login"]:
    urllib.request.urlopen(base + path).read()
PY
sleep 2
RSS=$(awk '/VmRSS/ { print $2 }' /proc/$PID/status)
echo "idle RSS of mueang serve with the demo loaded: $((RSS / 1024)) MiB"

# 3. Sign in once, then wrk on an authenticated page and on /healthz, in the same run.
COOKIE=$(python3 - "$BASE" "$PASSWORD" <<'PY'
import sys, urllib.request, urllib.parse, http.cookiejar
base, password = sys.argv[1:3]
jar = http.cookiejar.CookieJar()
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k): return None
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
opener.open(base + "/t/nongki/login").read()
csrf = next(c.value for c in jar if c.name == "mueang_csrf")
data = urllib.parse.urlencode({"username": "admin", "password": password, "_csrf": csrf}).encode()
try: opener.open(base + "/t/nongki/login", data)
except urllib.error.HTTPError as e: assert e.code == 303, e.code
print("; ".join(f"{c.name}={c.value}" for c in jar))
PY
)
curl -sf -o /dev/null -H "Cookie: $COOKIE" "$BASE/t/nongki/divisions" || { echo "signed-in page not reachable" >&2; exit 1; }
rps() { wrk -t2 -c16 -d20s "$@" | awk '/Requests\/sec/ { print $2 }'; }
PAGE=$(rps -H "Cookie: $COOKIE" "$BASE/t/nongki/divisions")
HEALTH=$(rps "$BASE/healthz")
echo "wrk 20 s, 16 connections: /t/nongki/divisions (signed in) ${PAGE} req/s; /healthz ${HEALTH} req/s"
python3 -c "print(f'ratio: authenticated tenant page = {float(\"$PAGE\") / float(\"$HEALTH\"):.2f} x /healthz throughput')"
