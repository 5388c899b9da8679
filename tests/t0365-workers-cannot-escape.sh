#!/bin/sh
# A process worker that runs code of a file's making reaches nothing but its
# own image. PIXPOOL_TEST_ESCAPE makes the worker given chelsea.png try,
# after its set-up, every way out: open a path for reading and one for
# writing, open /proc/PARENT/mem, trace the parent, read and write its
# memory, signal it, make a socket and a socket pair, run a program. None
# works: chelsea is reported failed with "escape attempts that worked:
# none", no file appears, and every other output is byte for byte the
# serial run's. PIXPOOL_TEST_FORGE makes the worker lie in its record
# instead (another image's id, an id out of range, an unterminated or
# unescaped error text or colour note, an impossible status, sizes, byte
# count or time):
# each lie costs chelsea alone, reported failed with the reason, and the
# parent goes on unharmed, under both channels.
. "$(dirname "$0")/lib.sh"

need_backend process
"$PIXPOOL" -q -b serial -f grayscale "$SAMPLES" -o ref || fail "serial run failed"
rm -f ref/png/chelsea.png ref/.pixpool-settings

# others_same DIR: every output but chelsea's is the serial run's.
others_same() {
	[ ! -e "$1/png/chelsea.png" ] || fail "$1: chelsea.png written"
	[ -z "$(find "$1" -name '*.tmp')" ] || fail "$1: a temporary file left"
	rm -f "$1/.pixpool-settings"
	same_tree ref "$1"
}

for ipc in pipe shm; do
	PIXPOOL_TEST_ESCAPE=chelsea expect_exit 1 "$PIXPOOL" -b process --ipc $ipc -j 2 \
		-f grayscale "$SAMPLES" -o escape-$ipc --manifest escape-$ipc.csv 2>escape-$ipc.err
	cat escape-$ipc.err
	grep -q '^pixpool: .*chelsea.png: escape attempts that worked: none$' escape-$ipc.err ||
		fail "$ipc: an escape attempt worked, or none was made"
	[ "$(status_of escape-$ipc.csv chelsea)" = failed ] || fail "$ipc: chelsea not failed"
	[ "$(statuses escape-$ipc.csv | grep -c ',ok$')" = 5 ] || fail "$ipc: not 5 images ok"
	[ ! -e pixpool-escape ] || fail "$ipc: a worker created a file"
	others_same escape-$ipc

	for lie in other range unterminated text profile status sizes bytes times bits; do
		case=$lie-$ipc
		PIXPOOL_TEST_FORGE=$lie:chelsea expect_exit 1 "$PIXPOOL" -b process --ipc $ipc \
			-j 2 -f grayscale "$SAMPLES" -o $case --manifest $case.csv 2>$case.err
		grep "^pixpool: .*chelsea.png: the worker.s record was refused: " $case.err ||
			fail "$case: no refusal: $(cat -v $case.err)"
		! grep -q "$(printf '\033')" $case.err || fail "$case: an escape reached stderr"
		[ "$(status_of $case.csv chelsea)" = failed ] || fail "$case: chelsea not failed"
		[ "$(statuses $case.csv | grep -c ',ok$')" = 5 ] || fail "$case: not 5 images ok"
		[ "$(tail -n +2 $case.csv | wc -l | tr -d ' ')" = 6 ] || fail "$case: not one row per image"
		others_same $case
	done
done
exit 0
