#!/bin/sh
# A run stopped by Ctrl-C and resumed with --skip-existing leaves the same
# bytes as one run that was never stopped; a resume over a finished folder
# decodes nothing (every image "exists" in the manifest); an output older
# than its input is made again; and outputs made with other settings are
# never taken for done.
. "$(dirname "$0")/lib.sh"

mkdir in && cp -R "$SAMPLES/jpeg" "$SAMPLES/png" in/ || fail "cannot copy the samples"
"$PIXPOOL" -q -b serial -f grayscale in -o ref || fail "reference run failed"
[ -f ref/.pixpool-settings ] || fail "no settings file beside the outputs"

# resumed OUT LOG: resumes into OUT; the two images the stopped run did not
# write are made, the four it wrote are found done, and OUT is the reference.
resumed() {
	"$PIXPOOL" -f grayscale --skip-existing in -o "$1" --manifest "$1.csv" 2>"$2" ||
		fail "$1: resume failed: $(cat "$2")"
	[ "$(grep -c ',exists$' "$1.status")" = 4 ] || fail "$1: the stopped run did not write 4"
	statuses "$1.csv" >"$1.resumed"
	[ "$(grep -c ',exists$' "$1.resumed")" = 4 ] || fail "$1: not 4 found done: $(cat "$1.resumed")"
	[ "$(grep -c ',ok$' "$1.resumed")" = 2 ] || fail "$1: not 2 made: $(cat "$1.resumed")"
	grep -q '6 images: 2 ok, 0 failed, 4 skipped (exists)' "$2" || fail "$1: summary: $(cat "$2")"
	same_tree ref "$1"
}

# Process engine: one worker stalls on chelsea.png and SIGINT lands then;
# --timeout ends that image, horse.png never starts.
if backend_wanted process; then
	PIXPOOL_TEST_STALL=chelsea "$PIXPOOL" -b process -j 1 --timeout 3 -f grayscale \
		in -o out-process --manifest stopped.csv 2>stopped.err &
	run=$!
	wait_for_process pixpool-stall $run >/dev/null || { kill $run; fail "no worker stalled"; }
	kill -INT $run
	wait $run
	rc=$?
	[ $rc = 130 ] || fail "process: exit $rc, not 130: $(cat stopped.err)"
	[ -z "$(find out-process -name '*.tmp')" ] || fail "process: temporary files left"
	statuses stopped.csv | sed 's/,ok$/,exists/' >out-process.status
	[ "$(status_of stopped.csv horse)" = skipped ] || fail "process: horse not skipped"
	resumed out-process resumed-process.err
fi

# stopped_pid PID: PID, when it is stopped (state T).
stopped_pid() {
	ps -o pid=,stat= -p "$1" | awk '$2 ~ /^T/ { print $1 }'
}

# Serial engine: the process stops itself before opening chelsea.png; SIGINT
# is sent while it is stopped, so chelsea.png is the last image it makes.
if backend_wanted serial; then
	PIXPOOL_TEST_STOP=opening:chelsea "$PIXPOOL" -b serial -f grayscale \
		in -o out-serial --manifest stopped.csv 2>stopped.err &
	run=$!
	i=0
	while [ -z "$(stopped_pid $run)" ]; do
		i=$((i + 1))
		[ $i -lt 200 ] || { kill -9 $run; fail "serial: pixpool never stopped"; }
		sleep 0.1
	done
	kill -INT $run
	kill -CONT $run
	wait $run
	rc=$?
	[ $rc = 130 ] || fail "serial: exit $rc, not 130: $(cat stopped.err)"
	[ "$(status_of stopped.csv horse)" = skipped ] || fail "serial: horse not skipped"
	# chelsea.png was in flight, so it is written; an output lost since is made again.
	[ -f out-serial/png/chelsea.png ] || fail "serial: chelsea.png, in flight, not written"
	rm out-serial/jpeg/rocket.jpg || fail "serial: rocket.jpg not written"
	statuses stopped.csv | sed 's/,ok$/,exists/' | grep -v rocket >out-serial.status
	resumed out-serial resumed-serial.err
fi

# A finished folder: nothing is decoded, nothing is written again.
ls -l --full-time ref ref/png ref/jpeg >before || fail "cannot list ref"
"$PIXPOOL" -f grayscale --skip-existing in -o ref --manifest done.json 2>done.err ||
	fail "resume over a finished folder failed: $(cat done.err)"
ls -l --full-time ref ref/png ref/jpeg >after || fail "cannot list ref"
cmp -s before after || fail "outputs of a finished folder were written again"
python3 - done.json <<'EOF' || fail "manifest of a finished folder"
import json, sys
records = json.load(open(sys.argv[1]))["images"]
assert len(records) == 6, len(records)
for r in records:
    assert r["status"] == "exists", r
    assert r["output"] and r["output"].startswith("ref/"), r
    assert r["decode_ms"] == 0 and r["input_width"] == 0, r
EOF
grep -q '6 images: 0 ok, 0 failed, 6 skipped (exists)' done.err || fail "summary: $(cat done.err)"

# Every engine and channel runs only the images left, and tells every result.
for how in "serial" "openmp -j 2" "process --ipc pipe -j 3" "process --ipc shm -j 3"; do
	backend_wanted ${how%% *} || continue
	rm -rf part && cp -a ref part || fail "cannot copy ref"
	rm part/png/camera.png part/jpeg/hubble_deep_field.jpg
	"$PIXPOOL" -b $how -f grayscale --skip-existing in -o part --manifest part.csv 2>part.err ||
		fail "$how: resume failed: $(cat part.err)"
	[ "$(grep -c ',exists,' part.csv)" = 4 ] && [ "$(grep -c ',ok,' part.csv)" = 2 ] ||
		fail "$how: statuses: $(cat part.csv)"
	[ "$(status_of part.csv camera)" = ok ] || fail "$how: camera.png not made again"
	same_tree ref part
done

# An output older than its input is made again; the others are left.
cp -a ref stale || fail "cannot copy ref"
touch -d '2001-01-01 00:00' stale/png/horse.png || fail "cannot age horse.png"
"$PIXPOOL" -f grayscale --skip-existing in -o stale --manifest stale.csv 2>stale.err ||
	fail "stale run failed: $(cat stale.err)"
[ "$(status_of stale.csv horse)" = ok ] || fail "an output older than its input was kept"
[ "$(grep -c ',exists,' stale.csv)" = 5 ] || fail "the others were not kept: $(cat stale.csv)"
same_tree ref stale

# Other settings: refused before anything is read or written, naming the setting.
cp -a ref other || fail "cannot copy ref"
expect_exit 2 "$PIXPOOL" -f invert --skip-existing in -o other 2>other.err
grep -q "^pixpool: --skip-existing: the images in other were made with filter 'grayscale:channels=1', not 'invert'" other.err ||
	fail "changed filter: $(cat other.err)"
expect_exit 2 "$PIXPOOL" -f grayscale --quality 50 --skip-existing in -o other 2>other.err
grep -q "made with quality 'default', not '50'" other.err || fail "changed quality: $(cat other.err)"
expect_exit 2 "$PIXPOOL" -f grayscale --strip=gps --skip-existing in -o other 2>other.err
grep -q "made with strip 'none', not 'gps'" other.err || fail "changed strip: $(cat other.err)"
same_tree ref other
# Without --skip-existing every image is made again, and the settings say so.
"$PIXPOOL" -q -f invert in -o other || fail "run with another filter failed"
grep -q '^filter invert$' other/.pixpool-settings || fail "settings not rewritten: $(cat other/.pixpool-settings)"
"$PIXPOOL" -f invert --skip-existing in -o other --manifest other.csv 2>other.err ||
	fail "resume with the new settings failed"
[ "$(grep -c ',exists,' other.csv)" = 6 ] || fail "new settings: not all found done"

# Settings files from elsewhere are input too: escaped, and anything unknown differs.
cp -a ref odd || fail "cannot copy ref"
printf 'filter \033[31mred\nformat same\n' >odd/.pixpool-settings
expect_exit 2 "$PIXPOOL" -f grayscale --skip-existing in -o odd 2>odd.err
grep -q "filter '\\\\x1b\[31mred', not 'grayscale:channels=1'" odd.err || fail "odd settings: $(cat odd.err)"
! grep -q "$(printf '\033')" odd.err || fail "an escape sequence reached the terminal"

# Two runs into one folder at once, each taking half, with the same settings.
"$PIXPOOL" -q -f grayscale --include 'jpeg/*' --exclude '*' in -o both &
one=$!
"$PIXPOOL" -q -f grayscale --include 'png/*' --exclude '*' in -o both &
two=$!
wait $one || fail "first half failed"
wait $two || fail "second half failed"
same_tree ref both
exit 0
