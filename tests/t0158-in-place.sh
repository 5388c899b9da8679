#!/bin/sh
# --in-place: each input replaced by its output, through a temporary file
# beside it and a rename, keeping its mode; refused with -o, --variant or
# another format; --dry-run changes nothing; a worker dying mid-write or
# Ctrl-C leaves every input whole: the old bytes or the new, never half.
. "$(dirname "$0")/lib.sh"
need_backend process

cp -R "$SAMPLES" orig
rm -rf orig/slurm orig/k8s
find orig -type f ! -name '*.jpg' ! -name '*.png' -exec rm -f {} +
images=$(count_files orig)
"$PIXPOOL" -q -e serial -f grayscale orig -o ref || fail "the reference run failed"
rm -f ref/.pixpool-settings

# Refused: nothing changes.
cp -R orig in
for args in "-o out" "--variant a=blur" "--format png" "--format same,jpg" "--name {stem}.{ext}"; do
	# shellcheck disable=SC2086
	expect_exit 2 "$PIXPOOL" -f grayscale --in-place $args in
done
same_tree orig in
[ ! -e out ] || fail "a refused run made out/"

# --dry-run: says what it would replace, changes nothing.
"$PIXPOOL" --dry-run --in-place -f grayscale in >dry.out 2>dry.err || fail "the dry run failed"
[ "$(grep -c ': would be replaced$' dry.out)" = "$images" ] || { cat dry.out; fail "dry run lines"; }
same_tree orig in

# Replaced: the bytes of a run into -o, each file's mode kept, nothing left beside them.
for e in serial process openmp; do
	backend_wanted $e || continue
	rm -rf in && cp -R orig in && chmod 600 in/jpeg/rocket.jpg && chmod 604 in/png/horse.png
	"$PIXPOOL" -q -e $e -j 2 --in-place -f grayscale in --manifest $e.csv || fail "$e: in-place run failed"
	same_tree ref in
	[ "$(stat -c %a in/jpeg/rocket.jpg)" = 600 ] || fail "$e: rocket.jpg lost its mode"
	[ "$(stat -c %a in/png/horse.png)" = 604 ] || fail "$e: horse.png lost its mode"
	grep -q ',ok,' $e.csv || fail "$e: no image ok in the manifest"
done

# A worker dying halfway through writing rocket's replacement: rocket keeps its old bytes.
rm -rf in && cp -R orig in
PIXPOOL_TEST_DIE=writing:rocket "$PIXPOOL" -q -e process -j 2 --in-place -f grayscale in \
	--manifest die.csv 2>die.err
[ $? = 1 ] || fail "a worker's death should fail the run"
[ "$(status_of die.csv rocket)" = crashed ] || fail "rocket is not crashed"
cmp -s orig/jpeg/rocket.jpg in/jpeg/rocket.jpg || fail "rocket.jpg was changed"
cmp -s ref/png/horse.png in/png/horse.png || fail "horse.png was not replaced"
[ "$(count_files in)" = "$images" ] || fail "files left beside the inputs"

# Ctrl-C: the images done are replaced, the one stalled and those after it whole.
rm -rf in && cp -R orig in
PIXPOOL_TEST_STALL=chelsea "$PIXPOOL" -e process -j 1 --timeout 3 --in-place -f grayscale in \
	--manifest int.csv 2>int.err &
run=$!
wait_for_process pixpool-stall $run >/dev/null || { kill $run; fail "no worker stalled"; }
kill -INT $run
wait $run
rc=$?
[ $rc = 130 ] || { cat int.err; fail "exit $rc, not 130"; }
for f in jpeg/hubble_deep_field.jpg jpeg/retina.jpg jpeg/rocket.jpg png/camera.png; do
	cmp -s "ref/$f" "in/$f" || fail "$f: not replaced before Ctrl-C"
done
for f in png/chelsea.png png/horse.png; do
	cmp -s "orig/$f" "in/$f" || fail "$f: changed after Ctrl-C"
done
[ "$(count_files in)" = "$images" ] || fail "files left beside the inputs"
