# A text file named x.jpg, an empty file and a truncated JPEG next to good photos:
# the good ones are written, each bad one is reported once by name, exit 1,
# and no partial or temporary file is left.
. "$(dirname "$0")/lib.sh"

mkdir -p in/sub
cp "$SAMPLES"/jpeg/rocket.jpg "$SAMPLES"/png/chelsea.png in/
cp "$SAMPLES"/jpeg/hubble_deep_field.jpg in/sub/
echo "this is not a photo" >in/x.jpg
: >in/sub/empty.png
head -c 30000 "$SAMPLES"/jpeg/retina.jpg >in/truncated.jpg
echo "notes" >in/README.txt

for j in 1 3; do
	rm -rf out
	"$PIXPOOL" -j $j -f grayscale in -o out 2>err
	status=$?
	[ $status = 1 ] || fail "-j $j: exit $status, not 1"
	for bad in x.jpg sub/empty.png truncated.jpg; do
		n=$(grep -c "^pixpool: in/$bad: " err)
		[ "$n" = 1 ] || fail "-j $j: in/$bad reported $n times: $(cat err)"
		[ ! -e "out/$bad" ] || fail "-j $j: output written for broken $bad"
	done
	grep -q "^pixpool: in/x.jpg: not an image" err || fail "x.jpg: cause not given"
	grep -q "^pixpool: in/sub/empty.png: empty file" err || fail "empty.png: cause not given"
	grep -q "^pixpool: in/truncated.jpg: cannot decode" err || fail "truncated.jpg: cause not given"
	for good in rocket.jpg chelsea.png sub/hubble_deep_field.jpg; do
		[ -s "out/$good" ] || fail "-j $j: good photo $good not written"
	done
	[ "$(count_files out)" = 3 ] || fail "-j $j: stray files: $(find out -type f)"
	grep -q "6 images: 3 ok, 3 failed; skipped 1 non-image file, 0 hidden, 0 links" err || fail "-j $j: counts wrong: $(cat err)"
done
