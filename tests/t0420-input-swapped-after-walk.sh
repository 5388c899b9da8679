# An input replaced after the walk, between the walk and its read, by a FIFO
# (whose open() would wait for a writer forever), a link to /dev/zero (which
# never ends) or a 3 GB sparse copy: each is refused with its cause, without
# blocking, and the other images are written. PIXPOOL_TEST_STOP stops the
# process that is about to open the input, so the test can swap it then.
. "$(dirname "$0")/lib.sh"
need_backend serial process openmp

# stopped_pid PID: PID or one of its children, whichever is stopped (state T).
stopped_pid() {
	ps -o pid=,ppid=,stat= -e | awk -v p="$1" '($1 == p || $2 == p) && $3 ~ /^T/ { print $1; exit }'
}

# swap_during_run BACKEND HOW: runs pixpool on in/, and when it stops before
# opening in/b.png, replaces that file as HOW says and lets it go on.
swap_during_run() {
	rm -rf in out
	mkdir in && cp "$TOP/tests/data/chelsea.png" in/a.png && cp "$TOP/tests/data/camera.png" in/b.png ||
		fail "cannot copy the photos"
	PIXPOOL_TEST_STOP=opening:b.png "$PIXPOOL" -b "$1" -j 1 in -o out 2>err &
	pid=$!
	i=0
	while [ -z "$(stopped_pid $pid)" ]; do
		i=$((i + 1))
		[ $i -lt 200 ] || { kill -9 $pid; fail "$1: pixpool never stopped before opening in/b.png"; }
		sleep 0.1
	done
	rm in/b.png || fail "cannot remove in/b.png"
	case $2 in
	fifo) mkfifo in/b.png ;;
	zero) ln -s /dev/zero in/b.png ;;
	sparse) cp "$TOP/tests/data/camera.png" in/b.png && truncate -s 3G in/b.png ;;
	esac || fail "cannot make the $2"
	kill -CONT "$(stopped_pid $pid)"
	i=0
	while kill -0 $pid 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 300 ] || { kill -9 $pid; fail "$1: pixpool blocked on a $2"; }
		sleep 0.1
	done
	wait $pid
	status=$?
	[ $status = 1 ] || fail "$1, $2: exit $status, not 1: $(cat err)"
	[ -s out/a.png ] || fail "$1, $2: a.png not written"
	[ ! -e out/b.png ] || fail "$1, $2: output written for b.png"
}

for backend in serial process openmp; do
	backend_wanted $backend || continue
	swap_during_run $backend fifo
	grep -q '^pixpool: in/b.png: not a regular file$' err || fail "$backend, fifo: $(cat err)"
	swap_during_run $backend zero
	grep -q '^pixpool: in/b.png: not a regular file$' err || fail "$backend, zero: $(cat err)"
	swap_during_run $backend sparse
	grep -q '^pixpool: in/b.png: PNG of 512x512 in a file of 3221225472 bytes, more than such an image needs$' err ||
		fail "$backend, sparse: $(cat err)"
done
