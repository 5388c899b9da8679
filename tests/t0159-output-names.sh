#!/bin/sh
# --name and --flat: outputs named from a template, {width} and {height}
# from the output made; names that would collide refused before any work
# when the template says so, else at the rename, never overwriting an
# output of the same run.
. "$(dirname "$0")/lib.sh"

mkdir -p in/a in/b
cp "$SAMPLES/jpeg/rocket.jpg" in/a/x.jpg
cp "$SAMPLES/png/horse.png" in/b/x.png
cp "$SAMPLES/png/camera.png" in/b/y.png

# Refused before any work: nothing written, exit 2.
refused() {
	expect_exit 2 "$PIXPOOL" "$@" in -o never
	[ ! -e never ] || fail "a refused run wrote never/: $*"
}
refused --variant s=thumbnail:size=100 --variant m=thumbnail:size=200 --name '{stem}.{ext}'
refused --format jpg,png --name '{dir}/{stem}'
refused --name '../{stem}.{ext}'
refused --name '/tmp/{stem}.{ext}'
refused --name '{width}/{stem}.{ext}'
refused --name '{stem}.{nope}'
refused --variant 'bad name=grayscale'
refused --variant a=grayscale --variant a=blur

# {width} and {height}: the size of each output, as the manifest records it.
"$PIXPOOL" -q -f thumbnail:size=64 --variant s= --variant m=resize:width=32 --format png \
	--name '{dir}/{stem}-{variant}-{width}x{height}.{ext}' in -o sized --manifest sized.json ||
	fail "the sized run failed"
python3 - sized.json <<'PY' || fail "sized names are not the sizes made"
import json, os, struct, sys
rows = json.load(open(sys.argv[1]))["images"]
assert len(rows) == 6, len(rows)
for r in rows:
    head = open(r["output"], "rb").read(24)
    w, h = struct.unpack(">II", head[16:24])
    assert (w, h) == (r["output_width"], r["output_height"]), r
    assert r["output"].endswith("-%s-%dx%d.png" % (r["variant"], w, h)), r["output"]
    assert os.path.dirname(r["output"]) == "sized/" + os.path.basename(os.path.dirname(r["input"]))
PY
[ "$(count_files sized)" = 6 ] || fail "sized/ holds $(count_files sized) files, not 6"

# Collisions known only at the rename: one image keeps the name, the other fails naming it,
# on every engine (OpenMP's threads claim names at once).
for e in serial process openmp; do
	backend_wanted $e || continue
	"$PIXPOOL" -q -e $e -j 2 -f resize:width=50,height=50 --format png --name '{width}.{ext}' \
		in -o clash-$e --manifest clash-$e.csv 2>clash-$e.err
	[ $? = 1 ] || fail "$e: a collision at the rename should fail the run"
	[ "$(count_files clash-$e)" = 1 ] || fail "$e: clash-$e/ holds $(count_files clash-$e) files, not 1"
	[ "$(grep -c ',ok,' clash-$e.csv)" = 1 ] || fail "$e: not one image ok"
	[ "$(grep -c 'is written already, from in/' clash-$e.err)" = 2 ] ||
		{ cat clash-$e.err; fail "$e: the errors do not name the first"; }
done

# --flat: every output in OUTDIR; x.jpg and x.png both become x.png: the second is refused.
"$PIXPOOL" -q --flat --format png in -o flat --manifest flat.csv 2>flat.err
[ $? = 1 ] || fail "--flat with a collision should fail one image"
[ -f flat/x.png ] && [ -f flat/y.png ] || fail "--flat did not write into flat/"
[ "$(count_files flat)" = 2 ] || fail "flat/ holds $(count_files flat) files"
grep -q 'taken by another input' flat.err || { cat flat.err; fail "the collision is not said"; }

# --format same,png: x.jpg makes x.jpg and x.png; a PNG would make its name twice and is refused.
"$PIXPOOL" -q --format same,png in -o both --manifest both.csv 2>both.err
[ $? = 1 ] || fail "same,png should refuse x.png"
[ -f both/a/x.jpg ] && [ -f both/a/x.png ] || fail "same,png: outputs missing"
[ ! -e both/b ] || fail "same,png wrote a PNG input's outputs"
grep -q 'two of its outputs would have the same name' both.err || { cat both.err; fail "not said why"; }

# Standard output takes one image: no variants, format lists or names there.
for args in "--variant a=blur" "--format jpg,png" "--name {stem}"; do
	# shellcheck disable=SC2086
	expect_exit 2 "$PIXPOOL" $args - -o - <in/a/x.jpg >stdout.jpg
	[ ! -s stdout.jpg ] || fail "-o - with $args wrote something"
done

# --keep-dates: every output of an image gets its input's dates.
touch -d '2001-02-03 04:05:06' in/a/x.jpg
"$PIXPOOL" -q --keep-dates --variant s=thumbnail:size=20 --variant m=thumbnail:size=40 \
	--format jpg,png in/a -o dated || fail "the --keep-dates run failed"
[ "$(find dated -type f ! -name .pixpool-settings | wc -l)" = 4 ] || fail "not 4 dated outputs"
for f in dated/*; do
	[ "$(stat -c %Y "$f")" = "$(stat -c %Y in/a/x.jpg)" ] || fail "$f: not the input's date"
done

# A name made from a size never replaces an input: the output folder holds
# the inputs, and one image's name is another input's.
mkdir -p own/in
cp "$SAMPLES/png/horse.png" own/in/a.png
cp "$SAMPLES/png/camera.png" own/in/40.png
cp own/in/40.png own-40.before
(cd own && expect_exit 1 "$PIXPOOL" -q -e serial -f resize:width=40 --format png \
	--name 'in/{width}.png' in -o . 2>../own.err)
grep -q "would replace an input file" own.err || fail "own: $(cat own.err)"
cmp -s own/in/40.png own-40.before || fail "an input was replaced by a sized name"
