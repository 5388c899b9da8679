#!/bin/sh
# bench/colour.sh BUILD CORPUS: what --profile srgb adds to a thumbnail job.
# Makes an Adobe RGB copy of CORPUS (its JPEGs converted with pixpool
# --profile to colord's Adobe RGB (1998), the profile embedded), then times
# -f thumbnail:size=400 over it with and without --profile srgb, runs
# alternating so a burst of other work slows both alike; prints the median
# wall time of each, the spread, the median busy time (every image's
# total_ms in the manifest, added up: less noisy than the wall on a shared
# machine), the median filter time (filter_ms: the thumbnail, and the
# conversion, which counts there) and the ratios. Override with RUNS=, JOBS=.
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

# once NAME ARGS...: one run; appends its wall seconds to $scratch/NAME, its
# busy and filter seconds to $scratch/NAME.total and NAME.filter.
once() {
	name=$1
	shift
	rm -rf "$scratch/out"
	start=$(date +%s.%N)
	"$pixpool" -q --no-progress -j "$jobs" -f thumbnail:size=400 "$@" "$scratch/adobe" \
		-o "$scratch/out" --manifest "$scratch/m.csv"
	end=$(date +%s.%N)
	echo "$start $end" | awk '{ printf "%.3f\n", $2 - $1 }' >>"$scratch/$name"
	for col in total filter; do
		awk -F, -v col="${col}_ms" '
			NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
			{ s += $c } END { printf "%.3f\n", s / 1000 }' "$scratch/m.csv" >>"$scratch/$name.$col"
	done
}

median() {
	sort -n "$scratch/$1" | awk -v mid=$(((runs + 1) / 2)) 'NR == mid { print $1 }'
}

echo "corpus: $corpus in Adobe RGB ($(find "$scratch/adobe" -name '*.jpg' | wc -l | tr -d ' ')" \
	"files); -f thumbnail:size=400, -j $jobs, median of $runs alternating runs"
round=0
while [ $round -lt "$runs" ]; do
	once plain
	once srgb --profile srgb
	round=$((round + 1))
done
for name in plain srgb; do
	sort -n "$scratch/$name" | awk -v n="$name" -v mid=$(((runs + 1) / 2)) \
		-v busy="$(median "$name.total")" -v filter="$(median "$name.filter")" '
		NR == 1 { min = $1 } NR == mid { med = $1 } { max = $1 }
		END { printf "%-8s wall %7.3f s  (min %.3f, max %.3f)  busy %.3f s  filter %.3f s\n",
		      n, med, min, max, busy, filter }'
done
awk -v a="$(median plain)" -v b="$(median srgb)" -v ab="$(median plain.total)" \
	-v bb="$(median srgb.total)" -v af="$(median plain.filter)" -v bf="$(median srgb.filter)" \
	-v n="$(find "$scratch/adobe" -name '*.jpg' | wc -l)" 'BEGIN {
	printf "--profile srgb: %+.1f%% of the wall time, %+.1f%% of the busy time; " \
	       "%.1f ms more filter time an image\n", (b / a - 1) * 100, (bb / ab - 1) * 100,
	       (bf - af) * 1000 / n }'
