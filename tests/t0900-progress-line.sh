#!/bin/sh
# On a terminal, the progress line is there from the start, before any image
# has finished (the first image stalls: PIXPOOL_TEST_STALL), with an ETA, and
# its clock moves while nothing finishes. It is cleared before any other
# message and before the summary, and when a second Ctrl-C ends pixpool. It
# is never drawn on a pipe, with -q or with --no-progress. A pseudo-terminal
# comes from script(1) (bsdutils); nothing here is timed, every wait is a
# bound of 30 s on something that must happen.
. "$(dirname "$0")/lib.sh"

command -v script >/dev/null || fail "script(1) is missing (bsdutils)"
command -v python3 >/dev/null || fail "python3 is missing"

# Runs a command in a pseudo-terminal, its pid in NAME.pid, its screen in NAME.tty.
cat >in-tty.sh <<'EOF'
echo $$ >"$1.pid"
shift
exec "$@"
EOF
in_tty() {
	name=$1
	shift
	script -qfec "sh in-tty.sh $name $*" /dev/null >"$name.tty" </dev/null
}

# wait_for FILE PATTERN: up to 30 s for an extended regular expression in FILE.
wait_for() {
	i=0
	while [ $i -lt 300 ]; do
		[ -f "$1" ] && tr '\r' '\n' <"$1" | grep -Eq -- "$2" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# The clock of the last progress line drawn in FILE: "elapsed 0:03".
clock_of() {
	tr '\r' '\n' <"$1" | grep -o 'elapsed [0-9:]*' | tail -n 1
}

# Every message begins on a cleared line: nothing of the progress line before it.
messages_on_clear_lines() {
	python3 - "$1" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
for line in data.split(b"\n"):
    at = line.find(b"pixpool: ")
    if at > 0 and not line[:at].endswith(b"\r\x1b[K"):
        sys.exit("a message shares a line with the progress line: %r" % line)
PY
}

for be in serial process openmp; do
	backend_wanted $be || continue
	PIXPOOL_TEST_STALL=hubble in_tty $be "'$PIXPOOL'" -b $be -j 1 --schedule dynamic \
		-f grayscale "'$SAMPLES'" -o out-$be &
	tty=$!
	wait_for $be.tty 'ETA' || { kill $tty; fail "$be: no progress line with an ETA"; }
	pid=$(cat $be.pid)
	# The first image stalls: nothing can have been written yet.
	[ ! -d out-$be ] || [ "$(count_files out-$be)" = 0 ] ||
		{ kill -9 $pid; fail "$be: an image was written before the line was checked"; }
	tr '\r' '\n' <$be.tty | grep -Eq '^0/6 images .*elapsed [0-9]+:[0-9]{2}  ETA --:--' ||
		{ kill -9 $pid; fail "$be: not the line of 0 of 6 images: $(cat -v $be.tty)"; }
	first=$(clock_of $be.tty)
	i=0
	while [ "$(clock_of $be.tty)" = "$first" ] && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$(clock_of $be.tty)" != "$first" ] ||
		{ kill -9 $pid; fail "$be: the clock stayed at $first while the image stalled"; }

	# Ctrl-C: the line says so; a second one ends the run at once.
	kill -INT $pid
	wait_for $be.tty 'stopping' || { kill -9 $pid; fail "$be: the line does not say stopping"; }
	kill -INT $pid
	wait $tty
	messages_on_clear_lines $be.tty || fail "$be: $(cat -v $be.tty)"
	if [ $be = process ]; then
		# The pool kills its stuck worker and ends with the summary.
		grep -q 'hubble.*not finished' $be.tty || fail "$be: the stalled image is not named"
		grep -q 'pixpool: 6 images: 0 ok' $be.tty || fail "$be: no summary"
	else
		# The second signal ends pixpool: its last bytes clear the line.
		python3 -c 'import sys; d = open(sys.argv[1], "rb").read()
sys.exit(0 if d.endswith(b"\r\x1b[K") else "not cleared: %r" % d[-80:])' $be.tty ||
			fail "$be: the line is left on the screen"
	fi
done

# A broken file's message and -v's lines go above the line, never on it.
mkdir mixed
cp -R "$SAMPLES/png" mixed/
printf '\377\330\377\340 not a JPEG after all' >mixed/broken.jpg
in_tty mixed "'$PIXPOOL'" -v -j 1 -f grayscale mixed -o out-mixed
grep -q 'broken\.jpg' mixed.tty || fail "the broken file is not named"
[ "$(tr '\r' '\n' <mixed.tty | grep -c '^ok  ')" = 3 ] || fail "-v lines: $(cat -v mixed.tty)"
messages_on_clear_lines mixed.tty || fail "$(cat -v mixed.tty)"

# Never on a pipe, with -q, or with --no-progress.
"$PIXPOOL" -j 1 -f grayscale "$SAMPLES" -o out-pipe 2>pipe.err || fail "the run on a pipe failed"
grep -q 'ETA' pipe.err && fail "a progress line on a pipe: $(cat -v pipe.err)"
grep -q "$(printf '\r')" pipe.err && fail "a carriage return on a pipe: $(cat -v pipe.err)"
grep -q '^pixpool: 6 images: 6 ok' pipe.err || fail "no summary on the pipe"
in_tty quiet "'$PIXPOOL'" -q -j 1 -f grayscale "'$SAMPLES'" -o out-quiet
[ "$(count_files out-quiet)" = 6 ] || fail "-q did not write 6 images"
grep -Eq 'ETA|elapsed' quiet.tty && fail "a progress line with -q: $(cat -v quiet.tty)"
in_tty off "'$PIXPOOL'" --no-progress -j 1 -f grayscale "'$SAMPLES'" -o out-off
grep -q 'pixpool: 6 images: 6 ok' off.tty || fail "--no-progress: no summary"
grep -Eq 'ETA|elapsed' off.tty && fail "a progress line with --no-progress: $(cat -v off.tty)"

# bench: one line over every run, the warm-up included, with an ETA; none on a pipe.
mkdir tmp
TMPDIR=$SCRATCH/tmp in_tty bench "'$PIXPOOL'" bench "'$SAMPLES'" -f grayscale -j 1 \
	--repeat 1 --engine serial
grep -q 'warm-up: serial -j 1 .*ETA' bench.tty || fail "bench: no line in the warm-up: $(cat -v bench.tty)"
grep -q '^serial ' bench.tty || fail "bench: no table"
messages_on_clear_lines bench.tty || fail "bench: $(cat -v bench.tty)"
TMPDIR=$SCRATCH/tmp "$PIXPOOL" bench "$SAMPLES" -f grayscale -j 1 --repeat 1 --engine serial \
	>table.txt 2>bench.err || fail "bench on a pipe failed"
grep -Eq 'ETA|elapsed' bench.err && fail "bench: a progress line on a pipe: $(cat -v bench.err)"
TMPDIR=$SCRATCH/tmp in_tty bench-off "'$PIXPOOL'" bench "'$SAMPLES'" -f grayscale -j 1 \
	--repeat 1 --engine serial --no-progress
grep -Eq 'ETA|elapsed' bench-off.tty && fail "bench: a line with --no-progress"
grep -q '^serial ' bench-off.tty || fail "bench --no-progress: no table"

# The process engine forks its workers while the line's thread runs: a lock
# that thread held at a fork (its own, or one in a sanitizer's allocator as
# it starts) would hang the worker for ever. Under ASan, before the fork
# waited for the thread to park, about one run in three hung here.
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	rm -rf forked
	timeout 60 "$PIXPOOL" --progress -j 2 -f grayscale "$SAMPLES" -o forked 2>/dev/null
	rc=$?
	[ $rc = 124 ] && fail "run $i with the line drawn hung (a worker forked under a held lock)"
	[ $rc = 0 ] || fail "run $i with the line drawn exited $rc"
done
