#!/bin/sh
# --timeout kills a worker stuck on one image: that image is reported
# timeout, the others are written, under both channels.
. "$(dirname "$0")/lib.sh"

need_backend process
for ipc in pipe shm; do
	PIXPOOL_TEST_STALL=chelsea expect_exit 1 "$PIXPOOL" -b process --ipc $ipc -j 2 \
		--timeout 4 -f grayscale "$SAMPLES" -o out-$ipc --manifest $ipc.csv 2>$ipc.err
	cat $ipc.err
	[ "$(status_of $ipc.csv chelsea)" = timeout ] || fail "$ipc: chelsea did not time out"
	grep -q 'chelsea.png: worker killed after 4 s (--timeout)' $ipc.err ||
		fail "$ipc: no timeout message"
	grep -q '6 images: 5 ok, 0 failed, 1 timed out' $ipc.err || fail "$ipc: counts"
	[ "$(count_files out-$ipc)" = 5 ] || fail "$ipc: not 5 files written"
	[ -z "$(find out-$ipc -name '*.tmp')" ] || fail "$ipc: temporary files left"
done
exit 0
