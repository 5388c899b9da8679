#!/bin/sh
# Ctrl-C stops handing out images, lets the one in flight end, and exits
# 130: images done are complete, the rest are skipped, no temporary file is
# left. To know the state when SIGINT lands, one worker (-j 1) stalls on
# chelsea.png and --timeout ends that image, so the images before it are
# done and the one after it (horse.png) never starts.
. "$(dirname "$0")/lib.sh"

need_backend process
"$PIXPOOL" -q -b serial -f grayscale "$SAMPLES" -o ref || fail "serial run failed"

for ipc in pipe shm; do
	PIXPOOL_TEST_STALL=chelsea "$PIXPOOL" -b process --ipc $ipc -j 1 --timeout 3 \
		-f grayscale "$SAMPLES" -o out-$ipc --manifest $ipc.csv 2>$ipc.err &
	run=$!
	wait_for_process pixpool-stall $run >/dev/null || { kill $run; fail "$ipc: no worker stalled"; }
	kill -INT $run
	wait $run
	rc=$?
	cat $ipc.err
	[ $rc = 130 ] || fail "$ipc: exit $rc, not 130"
	statuses $ipc.csv >$ipc.status
	for ok in hubble_deep_field retina rocket camera; do
		grep -q "$ok.*,ok$" $ipc.status || fail "$ipc: $ok not ok"
		f=$(cd ref && find . -name "$ok.*")
		cmp -s "ref/$f" "out-$ipc/$f" || fail "$ipc: $f incomplete"
	done
	[ "$(status_of $ipc.csv chelsea)" = timeout ] || fail "$ipc: chelsea not timeout"
	[ "$(status_of $ipc.csv horse)" = skipped ] || fail "$ipc: horse not skipped"
	grep -q '1 skipped (interrupted)' $ipc.err || fail "$ipc: counts"
	[ "$(count_files out-$ipc)" = 4 ] || fail "$ipc: not 4 files written"
	[ -z "$(find out-$ipc -name '*.tmp')" ] || fail "$ipc: temporary files left"
done
exit 0
