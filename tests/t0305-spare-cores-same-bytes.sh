#!/bin/sh
# The last image, run with the cores of the workers that left lent to its
# filters (one band of rows per thread), is written byte for byte as the
# serial backend writes it. PIXPOOL_TEST_STOP holds it before it is even
# opened until the other two workers have left, so its every filter finds
# two cores spare; threads must also get through the workers' sandbox.
. "$(dirname "$0")/lib.sh"

need_backend process

chain=median:radius=5,blur:sigma=4,edges,invert,boxblur:3,emboss,grayscale:channels=keep,median:1
mkdir in && cp "$TOP/tests/data/chelsea.png" in/a.png && cp "$TOP/tests/data/chelsea.png" in/c.png &&
	cp "$TOP/tests/data/camera.png" in/big.png || fail "cannot copy the photos"
"$PIXPOOL" -q -b serial -f "$chain" in -o ref || fail "the serial run failed"

# live_children PID: how many children of PID are alive (not zombies).
live_children() {
	ps -o ppid=,stat= -e | awk -v p="$1" '$1 == p && $2 !~ /^Z/' | wc -l | tr -d ' '
}

# stopped_child PID: the child of PID that is stopped (state T).
stopped_child() {
	ps -o pid=,ppid=,stat= -e | awk -v p="$1" '$2 == p && $3 ~ /^T/ { print $1; exit }'
}

for ipc in pipe shm; do
	rm -rf out
	PIXPOOL_TEST_STOP=opening:big.png "$PIXPOOL" -q -b process --ipc $ipc -j 3 \
		-f "$chain" in -o out 2>err &
	pid=$!
	i=0
	until [ -n "$(stopped_child $pid)" ] && [ "$(live_children $pid)" = 1 ]; do
		i=$((i + 1))
		[ $i -lt 300 ] || { kill -9 $pid; fail "$ipc: the other workers never left"; }
		sleep 0.1
	done
	kill -CONT "$(stopped_child $pid)"
	wait $pid
	status=$?
	[ $status = 0 ] || fail "$ipc: exit $status: $(cat err)"
	same_tree ref out
done
exit 0
