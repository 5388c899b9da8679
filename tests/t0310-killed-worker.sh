#!/bin/sh
# A worker SIGKILLed mid-image loses that image only, under both channels:
# it is reported crashed with the signal's name, a new worker takes its
# place and finishes the batch, and no temporary file is left behind.
. "$(dirname "$0")/lib.sh"

need_backend process
"$PIXPOOL" -q -b serial -f grayscale "$SAMPLES" -o ref || fail "serial run failed"

for ipc in pipe shm; do
	PIXPOOL_TEST_STALL=chelsea "$PIXPOOL" -b process --ipc $ipc -j 1 -f grayscale \
		"$SAMPLES" -o out-$ipc --manifest $ipc.csv 2>$ipc.err &
	run=$!
	stalled=$(wait_for_process pixpool-stall $run) || { kill $run; fail "$ipc: no worker stalled"; }
	kill -KILL "$stalled"
	wait $run
	rc=$?
	cat $ipc.err
	[ $rc = 1 ] || fail "$ipc: exit $rc, not 1"
	[ "$(status_of $ipc.csv chelsea)" = crashed ] || fail "$ipc: chelsea not crashed"
	grep -q 'chelsea.png: worker killed by SIGKILL' $ipc.err || fail "$ipc: no SIGKILL on stderr"
	grep 'chelsea' $ipc.csv | grep -q SIGKILL || fail "$ipc: no SIGKILL in the manifest"
	grep -q '6 images: 5 ok, 0 failed, 1 crashed' $ipc.err || fail "$ipc: counts"
	grep -q '1 restarted' $ipc.err || fail "$ipc: the worker was not restarted"
	[ "$(tail -n +2 $ipc.csv | wc -l | tr -d ' ')" = 6 ] || fail "$ipc: not one row per image"
	[ "$(count_files out-$ipc)" = 5 ] || fail "$ipc: not 5 files written"
	[ -z "$(find out-$ipc -name '*.tmp')" ] || fail "$ipc: temporary files left"
	[ ! -e out-$ipc/png/chelsea.png ] || fail "$ipc: chelsea written"
	for f in $(cd out-$ipc && find . -type f); do
		cmp -s "ref/$f" "out-$ipc/$f" || fail "$ipc: $f differs from the serial run"
	done
done
exit 0
