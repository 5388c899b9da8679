# A worker that dies halfway through writing an output leaves no partial
# file: its temporary file is removed by the parent, the final name never
# appears, and every other image is written. Under both channels.
. "$(dirname "$0")/lib.sh"

need_backend process
for ipc in pipe shm; do
	PIXPOOL_TEST_DIE=writing:chelsea "$PIXPOOL" -b process --ipc $ipc -j 2 \
		-f grayscale "$SAMPLES" -o out-$ipc --manifest $ipc.csv 2>$ipc.err
	rc=$?
	[ $rc = 1 ] || fail "$ipc: exit $rc, not 1: $(cat $ipc.err)"
	[ "$(status_of $ipc.csv chelsea)" = crashed ] || fail "$ipc: chelsea not crashed"
	grep -q 'chelsea.png: worker killed by SIGKILL' $ipc.err || fail "$ipc: $(cat $ipc.err)"
	[ -z "$(find out-$ipc -name '*.tmp')" ] || fail "$ipc: partial file left: $(find out-$ipc -name '*.tmp')"
	[ ! -e out-$ipc/png/chelsea.png ] || fail "$ipc: chelsea.png exists"
	[ "$(count_files out-$ipc)" = 5 ] || fail "$ipc: not the 5 other images: $(find out-$ipc -type f)"
done
