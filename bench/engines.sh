#!/bin/sh
# bench/engines.sh BUILD CORPUS: wall time of the engines on one folder, with
# -j 2 -f grayscale --format same, the median of 5 runs each: the three
# schedules (process engine, pipe and shm; openmp), and the two channels.
# Prints one line per configuration with the median wall time, the fastest
# and slowest run (on a shared machine the spread says how far to trust the
# median), and the imbalance (max/mean busy) of the median run. Override
# with RUNS=, JOBS=.
set -eu
B=${1:?usage: bench/engines.sh BUILD CORPUS}
corpus=${2:?usage: bench/engines.sh BUILD CORPUS}
runs=${RUNS:-5}
jobs=${JOBS:-2}
pixpool=$(cd "$B" && pwd)/pixpool
scratch=$(mktemp -d "${TMPDIR:-/tmp}/pixpool-bench.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# measure NAME ARGS...: RUNS runs; prints the median wall time and its imbalance.
measure() {
	name=$1
	shift
	: >"$scratch/times"
	i=0
	while [ $i -lt "$runs" ]; do
		rm -rf "$scratch/out"
		start=$(date +%s.%N)
		"$pixpool" --no-progress -j "$jobs" -f grayscale --format same "$@" "$corpus" \
			-o "$scratch/out" 2>"$scratch/err.$i" || { cat "$scratch/err.$i" >&2; exit 1; }
		end=$(date +%s.%N)
		imb=$(sed -n 's/.*imbalance \([0-9.]*\).*/\1/p' "$scratch/err.$i")
		echo "$start $end $imb" | awk '{ printf "%.3f %s\n", $2 - $1, $3 }' >>"$scratch/times"
		i=$((i + 1))
	done
	sort -n "$scratch/times" | awk -v n="$name" -v mid=$(((runs + 1) / 2)) '
		NR == 1 { min = $1 } NR == mid { med = $1; imb = $2 } { max = $1 }
		END { printf "%-24s %7.3f s  (min %.3f, max %.3f)  imbalance %s\n",
		      n, med, min, max, imb }'
}

echo "corpus: $corpus ($(find "$corpus" -type f | wc -l | tr -d ' ') files," \
	"$(du -sh "$corpus" | cut -f1)); -j $jobs, median of $runs runs;" \
	"$(nproc) CPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
measure "serial" -b serial
for ipc in pipe shm; do
	for schedule in static dynamic lpt; do
		measure "process $ipc $schedule" -b process --ipc $ipc --schedule $schedule
	done
done
for schedule in static dynamic lpt; do
	measure "openmp $schedule" -b openmp --schedule $schedule
done
