# run --dry-run prints where each image would go, and what would be refused
# and why, and writes nothing: its mapping is the files a real run writes.
. "$(dirname "$0")/lib.sh"

make_mix in
ls -AR in >before

for args in "" "--format png" "-f resize:width=64 --format jpg"; do
	# shellcheck disable=SC2086
	"$PIXPOOL" --dry-run $args in -o out --manifest m.json >map 2>err
	status=$?
	[ $status = 1 ] || fail "dry run ($args): exit $status, not 1 for a broken file"
	[ ! -e out ] && [ ! -e m.json ] || fail "dry run ($args) wrote $(ls -d out m.json 2>/dev/null)"
	ls -AR in | cmp -s - before || fail "dry run ($args) changed the input folder"
	grep -q "^pixpool: dry run: [0-9]* images would be written, [0-9]* refused" err ||
		fail "dry run ($args): no count: $(cat err)"

	# shellcheck disable=SC2086
	"$PIXPOOL" -q $args in -o out --manifest m.json 2>run-err
	sed -n 's/.* -> //p' map | sort >would
	find out -type f ! -path out/.pixpool-settings | sort >wrote
	[ -s would ] || fail "dry run ($args) maps nothing"
	diff -u would wrote || fail "dry run ($args) and the run differ"
	grep ': refused: ' map | sed 's/: refused: .*//' | sort >refused
	python3 -c '
import json, sys
print("\n".join(sorted(r["input"] for r in json.load(open(sys.argv[1]))["images"] if r["status"] != "ok")))
' m.json >failed
	diff -u refused failed || fail "dry run ($args) refuses other images than the run fails"
	rm -rf out m.json
done

# Collisions: a.jpg and a.png both to a.png; the dry run says which is refused.
mkdir two && cp "$SAMPLES/png/camera.png" two/a.png && cp "$SAMPLES/jpeg/rocket.jpg" two/a.jpg
expect_exit 1 "$PIXPOOL" --dry-run --format png two -o out2 >map2 2>/dev/null
grep -qx "two/a.jpg -> out2/a.png" map2 || fail "collision: $(cat map2)"
grep -qx "two/a.png: refused: its output path is taken by another input with the same name" map2 ||
	fail "collision: $(cat map2)"
[ ! -e out2 ] || fail "the dry run made the output folder"

# Every image fine: exit 0; the -o checks still apply, without making anything,
# and a manifest in the output folder it would make is fine.
expect_exit 0 "$PIXPOOL" --dry-run -q "$SAMPLES" -o a/b/c --manifest a/b/c/m.csv >/dev/null
[ ! -e a ] || fail "the dry run made a/b/c"
expect_exit 2 "$PIXPOOL" --dry-run -q "$SAMPLES" -o a/b/c --manifest a/m.csv >/dev/null 2>err
grep -qx "pixpool: --manifest a/m.csv: its folder a: does not exist" err || fail "$(cat err)"
echo file >f
expect_exit 2 "$PIXPOOL" --dry-run "$SAMPLES" -o f >/dev/null 2>err
grep -qx "pixpool: -o f: is a file, not a folder" err || fail "dry run into a file: $(cat err)"

# With --skip-existing, the images already done are named as such, and the rest
# as a resumed run would write them; nothing changes on disk.
expect_exit 0 "$PIXPOOL" -q -f grayscale "$SAMPLES/png" -o half
rm half/horse.png
before=$(ls -l --time-style=full-iso half)
expect_exit 0 "$PIXPOOL" --dry-run -f grayscale --skip-existing "$SAMPLES/png" -o half >map3 2>err3
grep -qx "$SAMPLES/png/horse.png -> half/horse.png" map3 || fail "resume dry run: $(cat map3)"
grep -qx "$SAMPLES/png/camera.png: exists: half/camera.png" map3 || fail "resume dry run: $(cat map3)"
grep -q "1 image would be written, 0 refused, 2 skipped (exists)" err3 || fail "$(cat err3)"
[ "$before" = "$(ls -l --time-style=full-iso half)" ] || fail "the dry run changed half/"
