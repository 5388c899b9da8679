#!/bin/sh
# bench/variants.sh BUILD FOLDER: a srcset's worth of outputs, three sizes in
# two formats, from one decode (--variant, --format jpg,png) against the six
# runs that make them one by one. RUNS alternating rounds (default 5), -j
# JOBS (default 2); prints each round's wall seconds and the medians.
set -e
B=${1:-build}
in=${2:?usage: bench/variants.sh BUILD FOLDER}
runs=${RUNS:-5}
jobs=${JOBS:-2}
pp=$B/pixpool
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

now() { date +%s.%N; }

one_decode() {
	rm -rf "$out/v"
	"$pp" -q -j "$jobs" --variant l=thumbnail:size=1600 --variant m=thumbnail:size=800 \
		--variant s=thumbnail:size=400 --format jpg,png "$in" -o "$out/v"
}

six_runs() {
	rm -rf "$out/s"
	for size in 1600 800 400; do
		for fmt in jpg png; do
			"$pp" -q -j "$jobs" -f thumbnail:size=$size --format $fmt "$in" -o "$out/s/$size-$fmt"
		done
	done
}

: >"$out/times"
for r in $(seq "$runs"); do
	t0=$(now); one_decode; t1=$(now); six_runs; t2=$(now)
	echo "$r $t0 $t1 $t2" | awk '{ printf "round %d: one decode %.3f s, six runs %.3f s\n", $1, $3 - $2, $4 - $3 }'
	echo "$t0 $t1 $t2" | awk '{ print $2 - $1, $3 - $2 }' >>"$out/times"
done
sort -n -k1 "$out/times" | awk -v n="$runs" 'NR == int((n + 1) / 2) { print $1 }' >"$out/a"
sort -n -k2 "$out/times" | awk -v n="$runs" 'NR == int((n + 1) / 2) { print $2 }' >"$out/b"
awk -v a="$(cat "$out/a")" -v b="$(cat "$out/b")" 'BEGIN {
	printf "median: one decode %.3f s, six runs %.3f s: %.2fx the wall time\n", a, b, a / b }'
