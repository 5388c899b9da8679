#!/bin/sh
# A closed terminal or ssh session (SIGHUP) and SIGQUIT stop a run as
# SIGTERM does, under every backend: the images in flight finish, it exits
# 130, the images not started are skipped, every output written is the
# serial run's, and no temporary file is left. Messages with nowhere to go
# stop nothing: with standard error closed (2>&-), or a pipe whose reader
# has left, every image is still written and the manifest is whole, and the
# exit status is 1, saying that messages were lost.
. "$(dirname "$0")/lib.sh"

mkdir in
for i in 01 02 03 04 05 06 07 08 09 10 11 12; do
	cp "$SAMPLES/jpeg/retina.jpg" in/retina-$i.jpg
done
"$PIXPOOL" -q -b serial -f grayscale in -o ref || fail "serial run failed"

# outputs_complete DIR: what DIR holds is the serial run's, with no temporary file.
outputs_complete() {
	[ -z "$(find "$1" -name '*.tmp')" ] || fail "$1: temporary files left"
	for f in $(cd "$1" && find . -type f ! -name .pixpool-settings); do
		cmp -s "ref/$f" "$1/$f" || fail "$1: $f is not complete"
	done
}

for backend in serial process openmp; do
	backend_wanted $backend || continue
	for sig in HUP QUIT; do
		case=$backend-$sig
		"$PIXPOOL" -b $backend -j 2 -f grayscale in -o out-$case --manifest $case.csv \
			2>$case.err &
		run=$!
		i=0
		while [ -z "$(find out-$case -name 'retina-*.jpg' 2>/dev/null)" ]; do
			[ $i -lt 600 ] || { kill -KILL $run; fail "$case: no output after 60 s"; }
			sleep 0.1
			i=$((i + 1))
		done
		kill -$sig $run
		wait $run
		rc=$?
		[ $rc = 130 ] || fail "$case: exit $rc, not 130: $(cat $case.err)"
		[ -s $case.csv ] || fail "$case: no manifest"
		[ "$(tail -n +2 $case.csv | wc -l | tr -d ' ')" = 12 ] || fail "$case: not one row per image"
		statuses $case.csv | grep -qv ',ok$' || fail "$case: nothing skipped"
		statuses $case.csv | grep -v ',ok$' | grep -qv ',skipped$' && fail "$case: an image neither ok nor skipped"
		[ "$(statuses $case.csv | grep -c ',ok$')" = "$(count_files out-$case)" ] ||
			fail "$case: not one output per image ok"
		outputs_complete out-$case
	done

	# Standard error closed: no file takes its place, and nothing is lost but the messages.
	"$PIXPOOL" -b $backend -j 2 -f grayscale in -o closed-$backend \
		--manifest closed-$backend.json 2>&-
	rc=$?
	[ $rc = 1 ] || fail "$backend, stderr closed: exit $rc, not 1"
	grep -q '"status": "ok"' closed-$backend.json || fail "$backend: manifest damaged"
	[ "$(grep -c '"status": "ok"' closed-$backend.json)" = 12 ] || fail "$backend: not 12 images ok"
	rm -f closed-$backend/.pixpool-settings ref/.pixpool-settings
	same_tree ref closed-$backend

	# A pipe whose reader left before the first message: SIGPIPE must not end the run.
	rm -f gone
	{ PIXPOOL_TEST_STOP=opening:retina-06 "$PIXPOOL" -b $backend -j 2 -f grayscale in \
		-o piped-$backend --manifest piped-$backend.csv 2>&1 >/dev/null; echo $? >rc-$backend; } |
		{ exec 0<&-; touch gone; exec sleep 60; } &
	reader=$!
	i=0
	until [ -e gone ] && pid=$(pgrep -f "piped-$backend" | while read -r p; do
		[ "$(ps -o stat= -p $p | cut -c1)" = T ] && echo $p; done | head -n 1) && [ -n "$pid" ]; do
		[ $i -lt 600 ] || fail "$backend: pixpool never stopped before retina-06"
		sleep 0.1
		i=$((i + 1))
	done
	kill -CONT $pid
	i=0
	while [ ! -s rc-$backend ]; do
		[ $i -lt 600 ] || fail "$backend: the run with a closed pipe did not end"
		sleep 0.1
		i=$((i + 1))
	done
	kill $reader 2>/dev/null
	[ "$(cat rc-$backend)" = 1 ] || fail "$backend, reader gone: exit $(cat rc-$backend), not 1"
	[ "$(statuses piped-$backend.csv | grep -c ',ok$')" = 12 ] || fail "$backend, reader gone: not 12 images ok"
	rm -f piped-$backend/.pixpool-settings
	same_tree ref piped-$backend
done
exit 0
