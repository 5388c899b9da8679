#!/bin/sh
# A second signal under the serial and openmp engines kills pixpool at once,
# and leaves no temporary file behind: the ones being written are removed
# first. Writers hang halfway through the outputs of *-hang.jpg (one under
# serial, two at once under openmp, while a third thread writes the rest);
# a first SIGINT is seen (the progress line says "stopping"), then a second
# SIGINT or a SIGTERM ends the run. It dies by that signal, no
# .NAME.pixpool-PID.tmp is left, and every output there is complete.
. "$(dirname "$0")/lib.sh"
need_backend serial openmp

mkdir in
for i in 01 02 03 04 05 06 07 08; do
	cp "$SAMPLES/jpeg/retina.jpg" in/retina-$i.jpg
done
mv in/retina-05.jpg in/retina-05-hang.jpg
mv in/retina-06.jpg in/retina-06-hang.jpg
"$PIXPOOL" -q -b serial -f grayscale in -o ref || fail "serial run failed"

# wait_for TEST WHAT: waits up to 60 s for the shell test TEST to hold.
wait_for() {
	i=0
	while ! eval "$1"; do
		[ $i -lt 600 ] || {
			kill -KILL $run
			fail "$case: $2 after 60 s; its stderr ends: $(tail -c 600 $case.err | cat -v)"
		}
		sleep 0.1
		i=$((i + 1))
	done
}

temporaries() {
	find out-$case -name '.*.pixpool-*.tmp' "$@" 2>/dev/null | wc -l | tr -d ' '
}

for backend in serial openmp; do
	backend_wanted $backend || continue
	hanging=1
	[ $backend = openmp ] && hanging=2
	for second in INT TERM; do
		case=$backend-$second
		PIXPOOL_TEST_HANG=writing:hang "$PIXPOOL" -b $backend -j 3 --progress \
			-f grayscale in -o out-$case 2>$case.err &
		run=$!
		# Only a hanging writer's file: another image's, caught mid-write,
		# is renamed a moment later, and the run would end on the first signal.
		wait_for '[ "$(temporaries -name ".*-hang.jpg.pixpool-*" -size +0)" -ge $hanging ]' \
			"no writer hanging"
		kill -INT $run
		wait_for 'grep -q stopping $case.err' "the first SIGINT not seen"
		kill -$second $run
		wait $run
		rc=$?
		want=130
		[ $second = TERM ] && want=143
		[ $rc = $want ] || fail "$case: exit $rc, not $want: $(cat -v $case.err)"
		[ "$(temporaries)" = 0 ] ||
			fail "$case: temporary files left: $(find out-$case -name '*.tmp')"
		[ -n "$(find out-$case -name 'retina-*.jpg')" ] || fail "$case: no output at all"
		for f in $(cd out-$case && find . -type f ! -name .pixpool-settings); do
			cmp -s "out-$case/$f" "ref/$f" || fail "$case: $f is not complete"
		done
		[ -z "$(find out-$case -name '*-hang.jpg')" ] ||
			fail "$case: an output written while its writer hung"
	done
done
exit 0
