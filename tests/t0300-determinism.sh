#!/bin/sh
# Output bytes and per-image statuses depend only on the inputs and the
# filter chain: never on the backend, -j, --schedule or --ipc. Every task
# gets exactly one result, and the summary counts add up.
. "$(dirname "$0")/lib.sh"
need_backend process openmp

make_mix mix
images=$(count_files mix)
[ "$images" -ge 20 ] || fail "the mix holds only $images files"

"$PIXPOOL" -q -b serial -f grayscale mix -o ref --manifest ref.csv
[ $? = 1 ] || fail "the serial run should fail on broken.jpg only"
statuses ref.csv >ref.status
[ "$(wc -l <ref.status | tr -d ' ')" = "$images" ] || fail "ref.csv: not one row per input"
[ "$(grep -c ',ok$' ref.status)" = $((images - 1)) ] || fail "ref.csv: not all ok but one"
grep -q 'broken.jpg,failed$' ref.status || fail "broken.jpg is not reported failed"

# check NAME ARGS...: one run, compared with the serial one.
check() {
	name=$1
	shift
	"$PIXPOOL" -f grayscale "$@" mix -o "out-$name" --manifest "$name.csv" 2>"$name.err"
	rc=$?
	[ $rc = 1 ] || { cat "$name.err"; fail "$name: exit $rc, not 1"; }
	same_tree ref "out-$name"
	statuses "$name.csv" >"$name.status"
	diff -u ref.status "$name.status" || fail "$name: statuses differ from serial"
	grep -q "pixpool: $images images: $((images - 1)) ok, 1 failed;" "$name.err" ||
		{ cat "$name.err"; fail "$name: the summary does not add up"; }
	rm -rf "out-$name"
}

for j in 1 2 3 8; do
	for schedule in dynamic static lpt; do
		if backend_wanted process; then
			for ipc in pipe shm; do
				check "process-$ipc-$schedule-j$j" -b process --ipc $ipc \
					--schedule $schedule -j $j
			done
		fi
		if backend_wanted openmp; then
			check "openmp-$schedule-j$j" -b openmp --schedule $schedule -j $j
		fi
	done
done
if backend_wanted openmp; then
	check openmp-pinned -b openmp -j 2 --pin
fi
if backend_wanted process; then
	check process-shm-pinned -b process --ipc shm -j 2 --pin
	# Each pinned worker ran on one CPU, and two workers never on the same one.
	if [ "$(nproc)" -ge 2 ]; then
		tail -n +2 process-shm-pinned.csv | awk -F, '$3 == "ok" { print $4, $5 }' |
			sort -u >pinned
		[ "$(wc -l <pinned | tr -d ' ')" = 2 ] || { cat pinned; fail "--pin: workers moved"; }
		[ "$(cut -d' ' -f2 pinned | sort -u | wc -l | tr -d ' ')" = 2 ] ||
			{ cat pinned; fail "--pin: two workers on one CPU"; }
	fi
fi
exit 0
