#!/bin/sh
# bench/colour.sh BUILD CORPUS: what --profile srgb adds to a thumbnail job.
# Makes an Adobe RGB copy of CORPUS (its JPEGs converted with pixpool
# --profile to colord's Adobe RGB (1998), the profile embedded), then times
# -f thumbnail:size=400 over it with and without --profile srgb, runs
# alternating so a burst of other work slows both alike; prints the median
# wall time of each, the spread, and the ratio. Override with RUNS=, JOBS=.
set -eu
B=${1:?usage: bench/colour.sh BUILD CORPUS}
corpus=${2:?usage: bench/colour.sh BUILD CORPUS}
runs=${RUNS:-5}
jobs=${JOBS:-2}
adobe_icc=/usr/share/color/icc/colord/AdobeRGB1998.icc
[ -r "$adobe_icc" ] || { echo "bench/colour.sh: needs $adobe_icc (colord-data)" >&2; exit 2; }
pixpool=$(cd "$B" && pwd)/pixpool
scratch=$(mktemp -d "${TMPDIR:-/tmp}/pixpool-bench.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

"$pixpool" -q --no-progress --profile "$adobe_icc" --quality 95 "$corpus" -o "$scratch/adobe"

# once NAME ARGS...: one run; appends its seconds to $scratch/NAME.
once() {
	name=$1
	shift
	rm -rf "$scratch/out"
	start=$(date +%s.%N)
	"$pixpool" -q --no-progress -j "$jobs" -f thumbnail:size=400 "$@" "$scratch/adobe" \
		-o "$scratch/out"
	end=$(date +%s.%N)
	echo "$start $end" | awk '{ printf "%.3f\n", $2 - $1 }' >>"$scratch/$name"
}

median() {
	sort -n "$scratch/$1" | awk -v mid=$(((runs + 1) / 2)) 'NR == mid { print $1 }'
}

echo "corpus: $corpus in Adobe RGB ($(find "$scratch/adobe" -type f | wc -l | tr -d ' ')" \
	"files); -f thumbnail:size=400, -j $jobs, median of $runs alternating runs"
round=0
while [ $round -lt "$runs" ]; do
	once plain
	once srgb --profile srgb
	round=$((round + 1))
done
for name in plain srgb; do
	sort -n "$scratch/$name" | awk -v n="$name" -v mid=$(((runs + 1) / 2)) '
		NR == 1 { min = $1 } NR == mid { med = $1 } { max = $1 }
		END { printf "%-24s %7.3f s  (min %.3f, max %.3f)\n", n, med, min, max }'
done
awk -v a="$(median plain)" -v b="$(median srgb)" \
	'BEGIN { printf "--profile srgb costs %+.1f%% of the thumbnail job\n", (b / a - 1) * 100 }'
