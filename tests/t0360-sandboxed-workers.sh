#!/bin/sh
# Process workers run under a seccomp filter: /proc shows it (Seccomp: 2,
# filter mode), and a worker that tries what the filter forbids outright
# (starting a process) is killed by SIGSYS. That costs the one image it held,
# reported crashed; the pool starts a new worker and every other image is
# written as in a run without the attempt.
. "$(dirname "$0")/lib.sh"

need_backend process
"$PIXPOOL" -q -b serial -f grayscale "$SAMPLES" -o ref || fail "serial run failed"

for ipc in pipe shm; do
	PIXPOOL_TEST_STALL=horse "$PIXPOOL" -q --ipc $ipc -j 1 -f grayscale "$SAMPLES" \
		-o stall-$ipc 2>/dev/null &
	run=$!
	worker=$(wait_for_process pixpool-stall $run) || { kill -KILL $run; fail "$ipc: no worker stalled"; }
	mode=$(awk '$1 == "Seccomp:" { print $2 }' /proc/"$worker"/status)
	kill -KILL $run
	wait $run
	[ "$mode" = 2 ] || fail "$ipc: worker's Seccomp mode is '$mode', not 2"

	PIXPOOL_TEST_FORBIDDEN=chelsea expect_exit 1 "$PIXPOOL" --ipc $ipc -j 2 -f grayscale \
		"$SAMPLES" -o out-$ipc --manifest $ipc.csv 2>$ipc.err
	cat $ipc.err
	[ "$(status_of $ipc.csv chelsea)" = crashed ] || fail "$ipc: chelsea not crashed"
	grep -q 'chelsea.png: worker killed by SIGSYS' $ipc.err || fail "$ipc: no SIGSYS message"
	[ "$(statuses $ipc.csv | grep -c ',ok$')" = 5 ] || fail "$ipc: not 5 images ok"
	for f in $(cd ref && find . -type f ! -name 'chelsea*'); do
		cmp -s "ref/$f" "out-$ipc/$f" || fail "$ipc: $f differs from the serial run"
	done
	[ -z "$(find out-$ipc -name 'chelsea*' -o -name '*.tmp')" ] || fail "$ipc: chelsea or a temporary file written"
done
exit 0
