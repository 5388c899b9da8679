#!/bin/sh
# bench/variants.sh BUILD FOLDER: a srcset's worth of outputs, three sizes in
# two formats, from one decode (--variant, --format jpg,png) against the six
# runs that make them one by one. RUNS alternating rounds (default 5), -j
# JOBS (default 2); prints each round's wall seconds and the CPU seconds of
# pixpool's processes (user + system, from the shell's times: steadier than
# the wall time on a shared machine), then the medians.
set -e
B=${1:-build}
in=${2:?usage: bench/variants.sh BUILD FOLDER}
runs=${RUNS:-5}
jobs=${JOBS:-2}
pp=$B/pixpool
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

now() { date +%s.%N; }

# Sets CPU to the user + system seconds of the shell's children so far
# (times runs in this shell: in a $(...) it would count the subshell's).
cpu() {
	times >"$out/cpu"
	CPU=$(tail -n 1 "$out/cpu" | tr 'ms' '  ' | awk '{ print $1 * 60 + $2 + $3 * 60 + $4 }')
}

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
	cpu; c0=$CPU; t0=$(now); one_decode; t1=$(now); cpu; c1=$CPU
	six_runs; t2=$(now); cpu; c2=$CPU
	echo "$r $t0 $t1 $t2 $c0 $c1 $c2" | awk '{ printf "round %d: one decode %.3f s (CPU %.2f s), " \
		"six runs %.3f s (CPU %.2f s)\n", $1, $3 - $2, $6 - $5, $4 - $3, $7 - $6 }'
	echo "$t0 $t1 $t2 $c0 $c1 $c2" | awk '{ print $2 - $1, $3 - $2, $5 - $4, $6 - $5 }' >>"$out/times"
done
# median COLUMN: the median of a column of the times.
median() {
	sort -n -k"$1" "$out/times" | awk -v n="$runs" -v c="$1" 'NR == int((n + 1) / 2) { print $c }'
}
awk -v a="$(median 1)" -v b="$(median 2)" -v ca="$(median 3)" -v cb="$(median 4)" 'BEGIN {
	printf "median wall: one decode %.3f s, six runs %.3f s: %.2fx\n", a, b, a / b
	printf "median CPU:  one decode %.2f s, six runs %.2f s: %.2fx\n", ca, cb, ca / cb }'
