# An output path never resolves to an input file, two inputs never share one
# output, and an output folder inside the input is not read back as input.
. "$(dirname "$0")/lib.sh"

mkdir in
cp "$SAMPLES"/jpeg/rocket.jpg "$SAMPLES"/png/camera.png in/
cp "$SAMPLES"/png/horse.png in/rocket.png
sum() { (cd in && find . -type f -exec md5sum {} + | sort); }
before=$(sum)

# -o the input folder itself: every image would overwrite its input.
"$PIXPOOL" -f grayscale in -o in 2>err
[ $? = 1 ] || fail "writing over the inputs did not fail"
[ "$(grep -c 'its output path is an input file' err)" = 3 ] || fail "not refused per image: $(cat err)"
[ "$(sum)" = "$before" ] || fail "inputs changed"

# rocket.jpg and rocket.png both become rocket.png: the first keeps it.
"$PIXPOOL" -f grayscale --format png in -o out 2>err
[ $? = 1 ] || fail "collision did not fail"
grep -q "^pixpool: in/rocket.png: its output path is taken" err || fail "collision not reported: $(cat err)"
[ -s out/rocket.png ] && [ -s out/camera.png ] || fail "outputs missing"
[ "$(count_files out)" = 2 ] || fail "stray files: $(find out -type f)"
"$PIXPOOL" info out/rocket.png | grep -q "640x427" || fail "out/rocket.png is not from rocket.jpg"

# An output folder inside the input: a second run does not take outputs for inputs.
expect_exit 0 "$PIXPOOL" -q -f grayscale in/rocket.jpg in/camera.png -o in/small
expect_exit 0 "$PIXPOOL" -q -f grayscale in -o in/small
[ -e in/small/small ] && fail "the output folder was walked as input"
[ "$(cd in && find . -path ./small -prune -o -type f -print | wc -l)" = 3 ] || fail "inputs changed"
