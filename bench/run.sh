#!/bin/sh
# bench/run.sh BUILD: the benchmarks, one section each, against the binaries
# in BUILD (default build).
set -e
B=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

# --- Filter throughput -------------------------------------------------------
# Every filter on one core over a synthetic 12-megapixel RGB photo; the
# figures are medians of BENCH_RUNS runs (default 5).
echo "== filter throughput"
make --no-print-directory "$B/bench-filters"
"$B/bench-filters" "${BENCH_RUNS:-5}"
