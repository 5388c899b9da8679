#!/bin/sh
# --variant and a --format list: every output of an image comes from one
# read of its file, with the bytes of a run that asks for that output
# alone, on every engine; one manifest record per output, all of an
# image's outputs written or none.
. "$(dirname "$0")/lib.sh"
need_backend serial process openmp

mkdir in
cp -R "$SAMPLES/jpeg" "$SAMPLES/png" in/
printf '\377\330\377\340 not a JPEG after all' >in/jpeg/broken.jpg
images=$(count_files in)

# The four outputs one by one: the reference.
for v in a:300 b:200; do
	for fmt in jpg png; do
		"$PIXPOOL" -q -e serial -f "thumbnail:size=${v#*:}" --format $fmt in -o "one-${v%:*}-$fmt" 2>/dev/null
		[ $? = 1 ] || fail "the single run ${v%:*} $fmt should fail on broken.jpg alone"
		(cd "one-${v%:*}-$fmt" && find . -type f ! -name .pixpool-settings) | while read -r f; do
			stem=${f%.*}
			mkdir -p "ref/$(dirname "$f")"
			cp "one-${v%:*}-$fmt/$f" "ref/$stem-${v%:*}.$fmt" || exit 1
		done || fail "cannot gather the reference"
	done
done
[ "$(count_files ref)" = $(((images - 1) * 4)) ] || fail "the reference holds $(count_files ref) files"

# check NAME ENGINE ARGS...: one run with both variants in both formats.
check() {
	name=$1
	engine=$2
	shift 2
	"$PIXPOOL" -q -e "$engine" "$@" --variant a=thumbnail:size=300 --variant b=thumbnail:size=200 \
		--format jpg,png in -o "out-$name" --manifest "$name.json" 2>"$name.err"
	rc=$?
	[ $rc = 1 ] || { cat "$name.err"; fail "$name: exit $rc, not 1"; }
	rm -f "out-$name/.pixpool-settings"
	same_tree ref "out-$name"
	python3 - "$name.json" "$images" <<'PY' || fail "$name: the manifest does not add up"
import json, sys
doc = json.load(open(sys.argv[1]))
images = int(sys.argv[2])
rows = doc["images"]
assert doc["run"]["images"] == images, doc["run"]
# One record per output: inputs x variants x formats, the failed input's too.
assert len(rows) == images * 4, len(rows)
outs = [(r["variant"], r["format"], r["output_index"]) for r in rows[:4]]
assert outs == [("a", "jpg", 0), ("a", "png", 1), ("b", "jpg", 2), ("b", "png", 3)], outs
for i in range(0, len(rows), 4):
    group = rows[i:i + 4]
    assert len({r["input"] for r in group}) == 1, group
    assert len({r["status"] for r in group}) == 1, group
    if group[0]["input"].endswith("broken.jpg"):
        assert all(r["status"] == "failed" and r["output"] is None for r in group), group
        continue
    assert all(r["status"] == "ok" for r in group), group
    assert [r["output_width"] <= 300 for r in group[:2]] and group[0]["output_width"] == group[1]["output_width"]
    assert max(group[2]["output_width"], group[2]["output_height"]) == 200, group[2]
    # Times and decodes are the image's, on its first record only.
    assert all(r["decodes"] == 0 and r["decode_ms"] == 0 for r in group[1:]), group
    assert group[0]["decodes"] in (1, 2), group[0]
    total = sum(r["output_bytes"] for r in group)
    assert all(r["output_bytes"] > 0 for r in group), group
    assert doc["run"]["output_bytes"] > 0
PY
}

backend_wanted serial && check serial serial
backend_wanted process && check pipe process --channel pipe -j 2
backend_wanted process && check shm process --channel shm -j 2
backend_wanted openmp && check openmp openmp -j 2

# One decode an image when the variants share -f's chain: the decodes add up to the images.
"$PIXPOOL" -q -f grayscale --variant a=thumbnail:size=300 --variant b=resize:width=100 \
	--variant c= --format png,jpg in -o once --manifest once.csv 2>/dev/null
[ $? = 1 ] || fail "the run should fail on broken.jpg alone"
python3 - once.csv "$images" <<'PY' || fail "an image was decoded more than once"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
images = int(sys.argv[2])
assert len(rows) == images * 6, len(rows)
ok = [r for r in rows if r["status"] == "ok"]
firsts = [r for r in ok if r["output_index"] == "0"]
assert len(firsts) == images - 1, len(firsts)
assert sum(int(r["decodes"]) for r in rows) == images - 1, [r["decodes"] for r in firsts]
assert all(float(r["decode_ms"]) > 0 for r in firsts)
assert all(float(r["decode_ms"]) == 0 for r in ok if r["output_index"] != "0")
PY
# The variant without a chain is -f's output alone.
"$PIXPOOL" -q -f grayscale --format png in/png -o plain || fail "the plain run failed"
for f in plain/*.png; do
	b=$(basename "$f" .png)
	cmp -s "$f" "once/png/$b-c.png" || fail "$b: variant c differs from -f's chain alone"
done

# pixpool report counts images, not outputs.
for m in serial.json pipe.json openmp.json; do [ -f $m ] && break; done
"$PIXPOOL" report $m >report.out 2>&1
grep -q "$images images: $((images - 1)) ok" report.out || { cat report.out; fail "report miscounts"; }

# A worker dying while it writes rocket's second variant: none of rocket's
# outputs is left, not even the ones written before; every other image has all four.
if backend_wanted process; then
	PIXPOOL_TEST_DIE=writing:rocket-b "$PIXPOOL" -q -e process -j 2 --variant a=thumbnail:size=300 \
		--variant b=thumbnail:size=200 --format jpg,png in -o died --manifest died.csv 2>/dev/null
	[ $? = 1 ] || fail "a worker's death should fail the run"
	[ -z "$(find died -name 'rocket*')" ] || fail "rocket left outputs: $(find died -name 'rocket*')"
	rm -f died/.pixpool-settings
	[ "$(count_files died)" = $(((images - 2) * 4)) ] || fail "died/ holds $(count_files died) files"
	[ "$(grep -c '^in/jpeg/rocket.jpg,.*,crashed,' died.csv)" = 4 ] || fail "rocket has not 4 crashed records"
fi

# --skip-existing knows each output: an image with one output missing is made
# again, whole; the others are done. Other variants are refused up front.
rm -f in/jpeg/broken.jpg
"$PIXPOOL" -q --variant a=thumbnail:size=300 --variant b=thumbnail:size=200 --format jpg,png \
	in -o resume || fail "the first run failed"
rm resume/png/horse-b.png
"$PIXPOOL" -q --variant a=thumbnail:size=300 --variant b=thumbnail:size=200 --format jpg,png \
	--skip-existing in -o resume --manifest resume.csv || fail "the resumed run failed"
[ "$(grep -c ',ok,' resume.csv)" = 4 ] || fail "horse's 4 outputs are not made again"
[ "$(grep -c ',exists,' resume.csv)" = $(((images - 2) * 4)) ] || fail "the others are not done"
grep ',ok,' resume.csv | grep -qv 'horse' && fail "an image other than horse was made again"
expect_exit 2 "$PIXPOOL" -q --variant a=thumbnail:size=300 --variant b=thumbnail:size=100 \
	--format jpg,png --skip-existing in -o resume
rm -f resume/.pixpool-settings ref/.pixpool-settings
same_tree ref resume

# A worker lying about one output, or about its decodes, costs its own image
# alone: refused, none of its outputs kept, every other image whole.
if backend_wanted process; then
	for lie in outputs decodes; do
		PIXPOOL_TEST_FORGE=$lie:rocket "$PIXPOOL" -q -e process -j 2 --variant a=thumbnail:size=300 \
			--variant b=thumbnail:size=200 --format jpg,png in -o lie-$lie 2>lie-$lie.err
		[ $? = 1 ] || fail "$lie: the forged record should fail the run"
		grep -q "rocket.jpg: the worker.s record was refused: " lie-$lie.err ||
			{ cat lie-$lie.err; fail "$lie: no refusal"; }
		[ -z "$(find lie-$lie -name 'rocket*')" ] || fail "$lie: rocket left outputs"
		rm -f lie-$lie/.pixpool-settings
		[ "$(count_files lie-$lie)" = $(((images - 2) * 4)) ] || fail "$lie: others not whole"
	done
fi

# Alpha: a format without it gets the image laid over --background, the
# others keep it; each has the bytes of a run in that format alone.
mkdir alpha
/usr/bin/convert "$SAMPLES/png/chelsea.png" -alpha set -channel A -fx 'i/w' alpha/fade.png ||
	fail "cannot make an image with alpha"
"$PIXPOOL" -q --background red --variant s=thumbnail:size=100 --variant b=blur:1 --format png,jpg \
	alpha -o alpha-v || fail "the alpha run failed"
for v in s:thumbnail:size=100 b:blur:1; do
	for fmt in png jpg; do
		"$PIXPOOL" -q --background red -f "${v#*:}" --format $fmt alpha -o "alpha-${v%%:*}-$fmt" ||
			fail "the single alpha run failed"
		cmp -s "alpha-${v%%:*}-$fmt/fade.$fmt" "alpha-v/fade-${v%%:*}.$fmt" ||
			fail "fade-${v%%:*}.$fmt differs from its run alone"
	done
done

# --profile: each variant's pixels converted after its own chain, each output
# carrying the profile, as a run for it alone (rocket.jpg is Adobe RGB).
"$PIXPOOL" -q --profile srgb --variant a=thumbnail:size=300 --variant b=blur:1 --format jpg,png \
	in/jpeg -o colour-v --manifest colour.csv || fail "the --profile run failed"
grep -q 'rocket.jpg,.*,Adobe RGB (1998) -> sRGB$' colour.csv || fail "rocket's colours not converted"
for v in a:thumbnail:size=300 b:blur:1; do
	for fmt in jpg png; do
		"$PIXPOOL" -q --profile srgb -f "${v#*:}" --format $fmt in/jpeg -o "colour-${v%%:*}-$fmt" ||
			fail "the single --profile run failed"
		for f in "colour-${v%%:*}-$fmt"/*.$fmt; do
			b=$(basename "$f" .$fmt)
			cmp -s "$f" "colour-v/$b-${v%%:*}.$fmt" || fail "$b-${v%%:*}.$fmt differs from its run alone"
		done
	done
done
