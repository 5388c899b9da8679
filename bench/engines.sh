#!/bin/sh
# bench/engines.sh BUILD CORPUS: wall time of the engines on one folder, with
# -j 2 -f grayscale --format same, the median of 5 runs each: the three
# schedules under both channels of the process engine and under OpenMP,
# and the serial baseline.
#
# Runs go round the configurations in turn (round 1 of each, then round 2
# ...), so a burst of other work on a shared machine slows every
# configuration alike instead of one. Prints one line per configuration:
# the median wall time, the fastest and slowest run (the spread says how far
# to trust the median), and the imbalance (max/mean busy) of the median run.
# Override with RUNS=, JOBS=.
set -eu
B=${1:?usage: bench/engines.sh BUILD CORPUS}
corpus=${2:?usage: bench/engines.sh BUILD CORPUS}
runs=${RUNS:-5}
jobs=${JOBS:-2}
pixpool=$(cd "$B" && pwd)/pixpool
scratch=$(mktemp -d "${TMPDIR:-/tmp}/pixpool-bench.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

configs="serial:-b,serial"
for ipc in pipe shm; do
	for schedule in static dynamic lpt; do
		configs="$configs process-$ipc-$schedule:-b,process,--ipc,$ipc,--schedule,$schedule"
	done
done
for schedule in static dynamic lpt; do
	configs="$configs openmp-$schedule:-b,openmp,--schedule,$schedule"
done

# once NAME ARGS: one run; appends "seconds imbalance" to $scratch/NAME.
once() {
	name=$1
	args=$(echo "$2" | tr , ' ')
	rm -rf "$scratch/out"
	start=$(date +%s.%N)
	# shellcheck disable=SC2086
	"$pixpool" --no-progress -j "$jobs" -f grayscale --format same $args "$corpus" \
		-o "$scratch/out" 2>"$scratch/err" || { cat "$scratch/err" >&2; exit 1; }
	end=$(date +%s.%N)
	imb=$(sed -n 's/.*imbalance \([0-9.]*\).*/\1/p' "$scratch/err")
	echo "$start $end $imb" | awk '{ printf "%.3f %s\n", $2 - $1, $3 }' >>"$scratch/$name"
}

# summary NAME: the median, min and max of NAME's runs.
summary() {
	sort -n "$scratch/$1" | awk -v n="$1" -v mid=$(((runs + 1) / 2)) '
		NR == 1 { min = $1 } NR == mid { med = $1; imb = $2 } { max = $1 }
		END { printf "%-24s %7.3f s  (min %.3f, max %.3f)  imbalance %s\n",
		      n, med, min, max, imb }'
}

echo "corpus: $corpus ($(find "$corpus" -type f | wc -l | tr -d ' ') files," \
	"$(du -sh "$corpus" | cut -f1)); -j $jobs, median of $runs runs;" \
	"$(nproc) CPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
round=0
while [ $round -lt "$runs" ]; do
	for c in $configs; do
		once "${c%%:*}" "${c#*:}"
	done
	round=$((round + 1))
done
for c in $configs; do
	summary "${c%%:*}"
done
