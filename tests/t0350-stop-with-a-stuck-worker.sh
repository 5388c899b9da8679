#!/bin/sh
# A worker stuck in a system call never keeps pixpool from ending: after
# SIGTERM the images in flight get a few seconds to finish, then their
# workers are killed and the images reported skipped; a second Ctrl-C ends
# the run at once. Either way the exit is 130, no worker is left running,
# and nothing half-written is left behind. A worker also dies with its
# parent when the parent is killed outright. And --timeout is refused where
# an image cannot be stopped midway (serial, openmp).
. "$(dirname "$0")/lib.sh"

need_backend process

# gone_within PID TENTHS: whether process PID ends within TENTHS tenths of a second.
gone_within() {
	i=0
	while kill -0 "$1" 2>/dev/null; do
		[ $i -lt "$2" ] || return 1
		sleep 0.1
		i=$((i + 1))
	done
}

# stop_run PID SIGNAL...: sends each signal in turn, a moment apart; fails
# unless the run ends within 20 s of the first.
stop_run() {
	run=$1
	shift
	for sig in "$@"; do
		kill -"$sig" "$run"
		sleep 0.3
	done
	gone_within "$run" 200 || { kill -KILL "$run"; fail "the run did not end after $*"; }
	wait "$run"
}

for ipc in pipe shm; do
	for signals in TERM "INT INT"; do
		name=$ipc-$(echo $signals | tr ' ' -)
		PIXPOOL_TEST_STALL=chelsea "$PIXPOOL" -b process --ipc $ipc -j 1 -f grayscale \
			"$SAMPLES" -o out-$name --manifest $name.csv 2>$name.err &
		run=$!
		stalled=$(wait_for_process pixpool-stall $run) ||
			{ kill -KILL $run; fail "$name: no worker stalled"; }
		# shellcheck disable=SC2086
		stop_run $run $signals
		rc=$?
		cat $name.err
		[ $rc = 130 ] || fail "$name: exit $rc, not 130"
		! kill -0 "$stalled" 2>/dev/null || fail "$name: the stuck worker outlived the run"
		[ "$(status_of $name.csv chelsea)" = skipped ] || fail "$name: chelsea not skipped"
		grep -q 'chelsea.png: not finished: the run was stopped' $name.err ||
			fail "$name: no message for the stopped image"
		[ -z "$(find out-$name -name '*.tmp')" ] || fail "$name: temporary files left"
		[ -z "$(find out-$name -name 'chelsea*')" ] || fail "$name: chelsea written"
	done
done

# Killed outright, the parent cannot clean up; its workers must still die.
PIXPOOL_TEST_STALL=chelsea "$PIXPOOL" -j 1 -f grayscale "$SAMPLES" -o orphan 2>/dev/null &
run=$!
stalled=$(wait_for_process pixpool-stall $run) || { kill -KILL $run; fail "no worker stalled"; }
kill -KILL $run
wait $run
gone_within "$stalled" 50 || { kill -KILL "$stalled"; fail "a worker outlived its killed parent"; }

for backend in serial openmp; do
	expect_exit 2 "$PIXPOOL" -b $backend --timeout 5 "$SAMPLES" -o refused 2>refused.err
	grep -q -- '--timeout: needs --engine process' refused.err || fail "$backend: message"
	[ ! -e refused ] || fail "$backend: a refused run wrote something"
done
exit 0
