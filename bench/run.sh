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

# --- Corpora -------------------------------------------------------------------
# Photo-like folders made from samples/ (bench/make-corpus), kept between runs
# under build/corpus so only the first `make bench` pays for them.
corpus=$top/$B/corpus
mkdir -p "$corpus"
bench/make-corpus "$corpus/camera" camera
bench/make-corpus "$corpus/mixed" mixed

# --- Schedules and channels ----------------------------------------------------
echo "== engines on the mixed folder (skewed sizes), -j ${JOBS:-2}"
bench/engines.sh "$B" "$corpus/mixed"

# --- Colour management ------------------------------------------------------------
# --profile srgb on an Adobe RGB copy of the camera folder, thumbnails.
echo "== --profile srgb on thumbnails of the camera folder, in Adobe RGB"
bench/colour.sh "$B" "$corpus/camera"

# --- Scaling ---------------------------------------------------------------------
# pixpool bench on 16 camera-sized JPEGs: every backend, pool sizes 1 .. CPUs.
echo "== scaling on the camera folder"
mkdir -p "$B/bench"
"$B/pixpool" bench "$corpus/camera" -f blur:sigma=3 --backend process,openmp,serial \
	--repeat "${BENCH_REPEAT:-3}" --json "$B/bench/scaling.json" \
	--csv "$B/bench/scaling.csv" --svg "$B/bench/scaling.svg"
echo "(JSON, CSV and SVG in $B/bench/)"

# --- Several outputs from one decode ---------------------------------------------
# Three sizes in two formats: --variant and --format jpg,png against six runs.
echo "== variants on the camera folder: one decode against six runs"
bench/variants.sh "$B" "$corpus/camera"

# --- Against other tools (BENCH_COMPARE=1) -------------------------------------------
if [ "${BENCH_COMPARE:-0}" = 1 ]; then
	echo "== pixpool and the fastest other tools, workload by workload"
	bench/compare.sh "$B" "$corpus/camera"
fi
