#!/bin/sh
# The two moments a shm worker can die without the parent being told
# directly, made certain with PIXPOOL_TEST_DIE:
#   claimed  after taking chelsea.png from the counter, before writing it
#            in its slot: the image is still found, and reported crashed;
#   unsent   after writing chelsea.png's record, before sending its id: the
#            record is found in shared memory, and the image is ok.
# Either way every image has one result and a new worker finishes the batch.
. "$(dirname "$0")/lib.sh"

need_backend process
"$PIXPOOL" -q -b serial -f grayscale "$SAMPLES" -o ref || fail "serial run failed"

for schedule in dynamic static; do
	PIXPOOL_TEST_DIE=claimed:chelsea expect_exit 1 "$PIXPOOL" -b process --ipc shm -j 1 \
		--schedule $schedule -f grayscale "$SAMPLES" -o claimed-$schedule \
		--manifest claimed-$schedule.csv 2>claimed-$schedule.err
	cat claimed-$schedule.err
	[ "$(status_of claimed-$schedule.csv chelsea)" = crashed ] || fail "claimed: chelsea not crashed"
	grep 'chelsea' claimed-$schedule.csv | grep -q SIGKILL || fail "claimed: no SIGKILL"
	grep -q '6 images: 5 ok, 0 failed, 1 crashed' claimed-$schedule.err || fail "claimed: counts"
	grep -q '1 restarted' claimed-$schedule.err || fail "claimed: no worker restarted"
	[ "$(count_files claimed-$schedule)" = 5 ] || fail "claimed: not 5 files written"

	PIXPOOL_TEST_DIE=unsent:chelsea expect_exit 0 "$PIXPOOL" -b process --ipc shm -j 1 \
		--schedule $schedule -f grayscale "$SAMPLES" -o unsent-$schedule \
		--manifest unsent-$schedule.csv 2>unsent-$schedule.err
	cat unsent-$schedule.err
	[ "$(status_of unsent-$schedule.csv chelsea)" = ok ] || fail "unsent: chelsea not ok"
	grep -q '1 restarted' unsent-$schedule.err || fail "unsent: no worker restarted"
	same_tree ref unsent-$schedule
done
exit 0
