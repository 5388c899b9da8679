#!/bin/sh
# Each output records the settings it was made with (the extended attribute
# user.pixpool.settings, renamed into place with its bytes), so no sequence
# of finished, interrupted, killed and sharded runs can make a resume keep
# an output made another way. Each sequence below writes into one folder
# with -f invert and -f grayscale, then resumes with --skip-existing -f
# grayscale; the folder is then byte for byte one clean grayscale run, and
# an output with no record, or another's, is made again, never kept.
. "$(dirname "$0")/lib.sh"

mkdir in && cp -R "$SAMPLES/jpeg" "$SAMPLES/png" in/ || fail "cannot copy the samples"
"$PIXPOOL" -q -b serial -f grayscale in -o ref || fail "reference run failed"
python3 -c 'import os, sys; os.setxattr(sys.argv[1], "user.pixpool.test", b"1")' ref/.pixpool-settings ||
	{ echo "SKIP: this file system holds no user extended attributes"; exit 0; }
mv ref/.pixpool-settings grayscale.settings

# resume_matches OUT: a resume with grayscale leaves OUT the same as ref.
resume_matches() {
	"$PIXPOOL" -q -f grayscale --skip-existing in -o "$1" --manifest "$1.csv" 2>"$1.err" ||
		fail "$1: resume failed: $(cat "$1.err")"
	rm -f "$1/.pixpool-settings"
	same_tree ref "$1"
}

# stopped_pid PID: PID or one of its children, whichever is stopped (state T).
stopped_pid() {
	ps -o pid=,ppid=,stat= -e | awk -v p="$1" '($1 == p || $2 == p) && $3 ~ /^T/ { print $1; exit }'
}

# stop_at NAME SIGNAL BACKEND OUT: a grayscale run into OUT, stopped before
# it opens NAME (after it wrote the settings file and some outputs), then
# sent SIGNAL (INT: interrupted, KILL: killed).
stop_at() {
	PIXPOOL_TEST_STOP=opening:$1 "$PIXPOOL" -q -b $3 -j 1 -f grayscale in -o "$4" 2>/dev/null &
	run=$!
	i=0
	while [ -z "$(stopped_pid $run)" ]; do
		i=$((i + 1))
		[ $i -lt 300 ] || { kill -KILL $run; fail "$4: never stopped before $1"; }
		sleep 0.1
	done
	kill -$2 $run
	kill -CONT "$(stopped_pid $run)" 2>/dev/null
	wait $run
	grep -q 'filter grayscale' "$4/.pixpool-settings" || fail "$4: settings not rewritten"
}

for backend in serial process; do
	backend_wanted $backend || continue
	# A finished invert run, then a grayscale run interrupted, then killed.
	for sig in INT KILL; do
		out=$backend-$sig
		"$PIXPOOL" -q -b $backend -f invert in -o $out || fail "$out: invert run failed"
		stop_at horse $sig $backend $out
		resume_matches $out
	done
done

# Shards with different settings into one folder.
"$PIXPOOL" -q --shard 0/2 -f invert in -o sharded || fail "shard 0 failed"
"$PIXPOOL" -q --shard 1/2 -f grayscale in -o sharded || fail "shard 1 failed"
resume_matches sharded

# An output with no record (an older pixpool, a copy), or another run's
# record, newer than its input: made again.
"$PIXPOOL" -q -f invert in -o unknown || fail "invert run failed"
python3 - unknown <<'PY' || fail "cannot change the records"
import os, sys
for d, _, files in os.walk(sys.argv[1]):
    for i, f in enumerate(sorted(files)):
        p = os.path.join(d, f)
        if f.startswith("."):
            continue
        if i % 2:
            os.removexattr(p, "user.pixpool.settings")
        else:
            os.setxattr(p, "user.pixpool.settings", b"v1 0123456789abcdef")
PY
cp grayscale.settings unknown/.pixpool-settings
resume_matches unknown
[ "$(statuses unknown.csv | grep -c ',ok$')" = 6 ] || fail "unknown: not every image made again"

# A finished grayscale run is found done, every image.
"$PIXPOOL" -q -f grayscale in -o done || fail "grayscale run failed"
resume_matches done
[ "$(statuses done.csv | grep -c ',exists$')" = 6 ] || fail "done: not every image found done"
exit 0
