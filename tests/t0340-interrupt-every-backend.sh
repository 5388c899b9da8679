#!/bin/sh
# Ctrl-C under every backend: once the first output is written, SIGINT stops
# the batch. It exits 130, the images not started are skipped, every output
# written is complete (the serial run's bytes), and no temporary file is
# left. Which images finish before the signal lands is up to the scheduler,
# so the test asserts what holds for any of them.
. "$(dirname "$0")/lib.sh"
need_backend serial process openmp

mkdir in
for i in 01 02 03 04 05 06 07 08 09 10 11 12; do
	cp "$SAMPLES/jpeg/retina.jpg" in/retina-$i.jpg
done
"$PIXPOOL" -q -b serial -f grayscale in -o ref || fail "serial run failed"

for backend in serial process openmp; do
	backend_wanted $backend || continue
	"$PIXPOOL" -b $backend -j 2 -f grayscale in -o out-$backend \
		--manifest $backend.csv 2>$backend.err &
	run=$!
	i=0
	while [ -z "$(find out-$backend -name 'retina-*.jpg' 2>/dev/null)" ]; do
		[ $i -lt 600 ] || { kill $run; fail "$backend: no output after 60 s"; }
		sleep 0.1
		i=$((i + 1))
	done
	kill -INT $run
	wait $run
	rc=$?
	cat $backend.err
	[ $rc = 130 ] || fail "$backend: exit $rc, not 130"
	ok=$(grep -c ',ok,' $backend.csv)
	skipped=$(grep -c ',skipped,' $backend.csv)
	[ "$ok" -ge 1 ] && [ "$skipped" -ge 1 ] || fail "$backend: $ok ok, $skipped skipped"
	[ $((ok + skipped)) = 12 ] || fail "$backend: $ok ok + $skipped skipped is not 12"
	grep -q "12 images: $ok ok, 0 failed, $skipped skipped (interrupted)" $backend.err ||
		fail "$backend: the summary does not add up"
	[ -z "$(find out-$backend -name '*.tmp')" ] || fail "$backend: temporary files left"
	[ "$(count_files out-$backend)" = "$ok" ] || fail "$backend: not one file per ok image"
	for f in out-$backend/*; do
		cmp -s "$f" "ref/${f##*/}" || fail "$backend: $f is not complete"
	done
done
exit 0
