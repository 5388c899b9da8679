#!/bin/sh
# The memory estimate (README, Memory) counts what the chain makes of an
# image: three buffers of 4 bytes a pixel of the largest image along it
# (four when writing PNG), plus the file. Two 1.5 MP photos resized to three
# times their width hold 13.5 MP each: about 162 MB each, over a 100 MB
# budget, so they never run together, under every backend and channel; and
# no image's peak resident memory, less that of the idle program, passes the
# estimate the run's parent printed for it. (Counted from the decoded image
# alone, the estimate was 18 MB each: both ran at once, and each took more.)
. "$(dirname "$0")/lib.sh"
need_backend serial process openmp

. "$TOP/tests/memory.sh"

# Resized to 4500x3000: 12 x 13.5 MP, plus a file of some 0.2 MB.
estimates up -f resize:width=4500 in
"$PIXPOOL" -q -b serial -f resize:width=4500 in -o ref || fail "serial run failed"
run() {
	name=$1
	shift
	backend_wanted "$1" || return 0
	"$PIXPOOL" -q -b "$@" -j 2 -f invert tiny -o idle-$name --manifest idle-$name.json ||
		fail "$name: idle run failed"
	"$PIXPOOL" -q -b "$@" -j 2 --mem-limit 100M -f resize:width=4500 in -o out-$name \
		--manifest $name.json || fail "$name: run failed"
	cp up.est $name.est
	within $name idle-$name 162.2
	same_tree ref out-$name
}
run serial serial
run pipe process --ipc pipe
run shm process --ipc shm
run openmp openmp
exit 0
