# pixpool info on a folder adds up to what a run of it does: the same images,
# the same pixels, the same skips, the same refusals; on a file, what it is;
# and never a pixel decoded or a byte written.
. "$(dirname "$0")/lib.sh"

make_mix in
echo "notes" >in/notes.txt
cp "$SAMPLES/png/camera.png" in/.hidden.png
ln -s ../jpeg/rocket.jpg in/png/link.jpg
ls -AR in >before

expect_exit 0 "$PIXPOOL" info in >info 2>info-err
[ ! -s info-err ] || fail "info printed errors: $(cat info-err)"
"$PIXPOOL" -q in -o out --manifest m.csv 2>run-err
"$PIXPOOL" in -o out2 2>summary
ls -AR in | cmp -s - before || fail "info or run changed the input folder"

python3 - info m.csv <<'PY' || fail "info does not add up to the run: $(cat info)"
import csv, re, sys
info = open(sys.argv[1]).read().splitlines()
rows = list(csv.DictReader(open(sys.argv[2])))
ok = [r for r in rows if r["status"] == "ok"]
m = re.match(r"in: (\d+) images, [\d.]+ MP \((\d+) pixels\)$", info[0])
assert m, info[0]
assert int(m.group(1)) == len(ok), (m.group(1), len(ok))
assert int(m.group(2)) == sum(int(r["input_width"]) * int(r["input_height"]) for r in ok)
ext = {"JPEG": ".jpg", "PNG": ".png", "BMP": ".bmp", "TGA": ".tga", "PNM": ".pnm", "WebP": ".webp", "TIFF": ".tif"}
formats = {}
for line in info[1:]:
    f = re.match(r"  (\w+): (\d+) images?, [\d.]+ MP$", line)
    if f:
        formats[f.group(1)] = int(f.group(2))
want = {}
for r in ok:
    name = [k for k, e in ext.items() if r["input"].endswith(e)][0]
    want[name] = want.get(name, 0) + 1
assert formats == want, (formats, want)
failed = sorted(r["input"] for r in rows if r["status"] != "ok")
refused = sorted(l.split(": ")[1] for l in info if l.startswith("  refused: "))
assert refused == failed, (refused, failed)
largest = [l for l in info if l.startswith("  largest: ")]
assert len(largest) == 1 and "retina.jpg, 1411x1411" in largest[0], largest
assert re.search(r"needs about 2[0-9] MB$", largest[0]), largest
PY

# The same skips as the run's summary.
want=$(sed -n 's/.*skipped \([0-9]*\) non-image files*, \([0-9]*\) hidden, \([0-9]*\) links*, \([0-9]*\) not walked.*/\1 \2 \3 \4/p' summary)
got=$(sed -n 's/^  skipped: \([0-9]*\) non-image files*, \([0-9]*\) hidden, \([0-9]*\) links*, \([0-9]*\) not walked;.*/\1 \2 \3 \4/p' info)
[ -n "$want" ] && [ "$want" = "$got" ] || fail "info skips '$got', the run skipped '$want'"
[ "$got" = "1 1 1 0" ] || fail "info skips '$got', not one other file, one hidden, one link"

# --max-pixels: the images run refuses for their size are the ones info lists.
expect_exit 0 "$PIXPOOL" info --max-pixels 0.5 in >info-max
"$PIXPOOL" -q --max-pixels 0.5 in -o out3 2>run-max
a=$(grep -c "(--max-pixels)" info-max)
b=$(grep -c "(--max-pixels)" run-max)
[ "$a" -gt 0 ] && [ "$a" = "$b" ] || fail "info refuses $a images for their size, run $b"

# A file: what it is, from its header.
expect_exit 0 "$PIXPOOL" info "$SAMPLES/png/camera.png" >file
grep -q "camera.png: PNG 512x512, 1 channel, 0.3 MP" file || fail "info on a file: $(cat file)"

# What cannot be read says so, in plain words.
expect_exit 1 "$PIXPOOL" info nosuch in/notes.txt >/dev/null 2>err
grep -qx "pixpool: nosuch: no such file or folder" err || fail "missing input: $(cat err)"
grep -q "^pixpool: in/notes.txt: not an image" err || fail "text file: $(cat err)"
