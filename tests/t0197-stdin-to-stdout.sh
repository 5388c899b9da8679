#!/bin/sh
# "-" as the input with -o -: one image from standard input to standard
# output, the same bytes a run on the file writes (metadata included), under
# every engine and channel; in the input's format unless --format says.
# A broken, empty or non-image input writes nothing on standard output and
# exits 1; an interrupted run writes nothing and exits 130. Standard error
# stays quiet when all goes well; no folder or settings file is made.
. "$(dirname "$0")/lib.sh"
need_backend serial process openmp

cp "$SAMPLES/jpeg/rocket.jpg" "$SAMPLES/png/horse.png" . || fail "cannot copy the samples"
"$PIXPOOL" -q -e serial -f thumbnail:size=400 --format png rocket.jpg -o ref-png ||
	fail "reference run failed"
"$PIXPOOL" -q -e serial -f grayscale horse.png rocket.jpg -o ref-same || fail "reference run failed"

for run in serial process:pipe process:shm openmp; do
	e=${run%%:*}
	backend_wanted $e || continue
	ch=pipe
	[ "$run" != "$e" ] && ch=${run#*:}
	"$PIXPOOL" -e $e --channel $ch -f thumbnail:size=400 --format png - -o - \
		<rocket.jpg >out.png 2>err || fail "$run: exit $?: $(cat err)"
	cmp -s out.png ref-png/rocket.png || fail "$run: not the bytes of a run on the file"
	[ ! -s err ] || fail "$run: said something: $(cat err)"
	for f in rocket.jpg horse.png; do
		expect_exit 0 "$PIXPOOL" -e $e --channel $ch -f grayscale - -o - <$f >out.$f
		cmp -s out.$f ref-same/$f || fail "$run: $f in its own format differs"
	done
done
[ ! -e ./- ] && [ "$(ls -A | grep -c pixpool-settings)" = 0 ] || fail "something was made: $(ls -A)"

# Broken: a message naming standard input, exit 1, nothing on standard output.
head -c 20000 rocket.jpg >cut.jpg
printf 'no image here' >text
: >empty
for bad in cut.jpg text empty; do
	for e in serial process; do
		backend_wanted $e || continue
		expect_exit 1 "$PIXPOOL" -e $e - -o - <$bad >bad.out 2>bad.err
		[ ! -s bad.out ] || fail "$bad ($e): $(wc -c <bad.out) bytes on standard output"
		grep -q '^pixpool: -: ' bad.err || fail "$bad ($e): $(cat bad.err)"
	done
done

# Refused, with nothing read: "-" with another input or -o DIR; -o - with a
# folder; --manifest - or --skip-existing with -o -.
mkdir dir
expect_exit 2 "$PIXPOOL" - dir -o - <rocket.jpg >/dev/null 2>&1
expect_exit 2 "$PIXPOOL" dir -o - >/dev/null 2>&1
expect_exit 2 "$PIXPOOL" - -o outdir <rocket.jpg 2>/dev/null
expect_exit 2 "$PIXPOOL" --manifest - - -o - <rocket.jpg >/dev/null 2>&1
expect_exit 2 "$PIXPOOL" --skip-existing - -o - <rocket.jpg >/dev/null 2>&1
[ ! -e outdir ] || fail "a refused run made its output folder"
# A terminal for standard output (script(1), from bsdutils, gives one): refused.
script -qc "\"$PIXPOOL\" - -o - <rocket.jpg" /dev/null >tty.out 2>&1
grep -q "standard output is a terminal" tty.out || fail "a terminal took the image: $(head -c 200 tty.out)"

# Interrupted while the worker holds it: exit 130, nothing on standard output.
if backend_wanted process; then
	PIXPOOL_TEST_STALL=- "$PIXPOOL" -e process - -o - <rocket.jpg >int.out 2>int.err &
	run=$!
	wait_for_process pixpool-stall $run >/dev/null || { kill $run; fail "no worker stalled"; }
	kill -INT $run
	sleep 0.2	# a second signal ends it without the 5 s of grace; one alone does too, later
	kill -INT $run 2>/dev/null
	wait $run
	rc=$?
	[ $rc = 130 ] || fail "interrupted: exit $rc, not 130: $(cat int.err)"
	[ ! -s int.out ] || fail "interrupted: $(wc -c <int.out) bytes on standard output"
fi
