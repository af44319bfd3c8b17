#!/bin/sh
# Times `mueang signtax assess` on 1,000,000 signs against `mueang signtax roundtrip` (parse and
# re-serialise the same JSON, no assessment) in the same run, and prints signs/s and the ratio.
#   bench/signtax/run.sh [MUEANG_BINARY] [BENCH_BINARY]
# Defaults: .build/release/mueang and .build/release/bench-signtax (swift build -c release).
set -eu
MUEANG=${1:-.build/release/mueang}
BENCH=${2:-.build/release/bench-signtax}
OUT=${BENCH_OUT:-bench/out}
COUNT=${COUNT:-1000000}
mkdir -p "$OUT"
INPUT="$OUT/signs-$COUNT.json"
[ -f "$INPUT" ] || "$BENCH" generate "$INPUT" "$COUNT" 2567

now() { date +%s.%N; }
best() { # best of three wall-clock runs of a command writing to /dev/null
    b=""
    for _ in 1 2 3; do
        s=$(now); "$@" >/dev/null || [ $? -eq 1 ]; e=$(now)
        t=$(echo "$e - $s" | bc)
        if [ -z "$b" ] || [ "$(echo "$t < $b" | bc)" -eq 1 ]; then b=$t; fi
    done
    echo "$b"
}
RT=$(best "$MUEANG" signtax roundtrip --input "$INPUT")
AS=$(best "$MUEANG" signtax assess --year 2567 --as-of 2024-12-31 --input "$INPUT")
echo "CLI, $COUNT signs ($(du -h "$INPUT" | cut -f1) JSON), best of 3:"
echo "  parse + re-serialise (signtax roundtrip): ${RT} s  $(echo "$COUNT / $RT" | bc) signs/s"
echo "  signtax assess:                           ${AS} s  $(echo "$COUNT / $AS" | bc) signs/s"
echo "  ratio: $(echo "scale=2; $AS / $RT" | bc)x"
echo "In-process (bench-signtax time):"
"$BENCH" time "$INPUT" 2024
