#!/bin/sh
# A chain that starts with a thumbnail (or a fast resize) decodes a JPEG at
# half size. For every kind of JPEG cameras and editors write (4:4:4, 4:2:2,
# 4:2:0, progressive, grey, CMYK, turned by EXIF, odd sizes), the output
# has the size a full decode gives and is within 40 dB of it; the manifest
# keeps the size in the file; and every engine writes the same bytes.
. "$(dirname "$0")/lib.sh"
python3 -c "import PIL" 2>/dev/null || fail "Pillow missing (python3-pil)"

mkdir in
python3 - "$TOP/tests/data/chelsea.png" <<'EOF' || fail "cannot build the JPEGs"
import sys
from PIL import Image
rgb = Image.open(sys.argv[1]).convert("RGB")            # 451 x 300
even = rgb.crop((0, 0, 448, 296))
rgb.save("in/s444.jpg", quality=95, subsampling=0)
rgb.save("in/s422.jpg", quality=90, subsampling=1)
rgb.save("in/s420.jpg", quality=85, subsampling=2)
rgb.save("in/progressive.jpg", quality=90, progressive=True)
rgb.convert("L").save("in/grey.jpg", quality=90)
rgb.convert("CMYK").save("in/cmyk.jpg", quality=90)
even.save("even.jpg", quality=90)
rgb.crop((0, 0, 447, 297)).save("odd.jpg", quality=90)
EOF
for o in 3 6 8; do
	python3 "$TOP/tests/make-meta.py" even.jpg in/even-o$o.jpg --orientation $o &&
		python3 "$TOP/tests/make-meta.py" odd.jpg in/odd-o$o.jpg --orientation $o ||
		fail "cannot turn the JPEGs"
done
rm -f in/*.exif in/*.xmp in/*.icc
n=$(ls in | wc -l | tr -d ' ')

for spec in thumbnail:size=100 resize:width=90,fast=1; do
	full=$(echo $spec | sed 's/fast=1/fast=0/; s/^thumbnail:size=100$/thumbnail:size=100,fast=0/')
	rm -rf fast full
	expect_exit 0 "$PIXPOOL" -q -b serial -f "$spec" --format png --manifest fast.csv in -o fast
	expect_exit 0 "$PIXPOOL" -q -b serial -f "$full" --format png in -o full
	[ "$(count_files fast)" = "$n" ] || fail "$spec: $(count_files fast) outputs of $n"
	python3 - fast full "$spec" <<'EOF' || fail "$spec: outputs differ from the full decode's"
import math, os, sys
from PIL import Image, ImageChops, ImageStat
fast, full, spec = sys.argv[1:4]
bad = 0
for name in sorted(os.listdir(full)):
    if name.startswith("."):
        continue
    a, b = Image.open(os.path.join(fast, name)), Image.open(os.path.join(full, name))
    if a.size != b.size or a.mode != b.mode:
        print(f"{spec}: {name}: {a.size} {a.mode}, the full decode {b.size} {b.mode}")
        bad = 1
        continue
    mse = sum(ImageStat.Stat(ImageChops.difference(a, b)).sum2) / (a.size[0] * a.size[1] * len(a.getbands()))
    db = math.inf if mse == 0 else 10 * math.log10(255 * 255 / mse)
    if db < 40:
        print(f"{spec}: {name}: {db:.1f} dB from the full decode's")
        bad = 1
sys.exit(bad)
EOF
	# The manifest keeps the size in the file (upright), not the half-size decode's.
	for f in s444 s420 progressive grey cmyk even-o3 even-o6 odd-o6; do
		size=$(grep "/$f.jpg," fast.csv | cut -d, -f6,7)
		case $f in
		even-o3) want=448,296 ;;
		even*) want=296,448 ;;
		odd*) want=297,447 ;;
		*) want=451,300 ;;
		esac
		[ "$size" = "$want" ] || fail "$spec: $f: the manifest says $size, not $want"
	done
done

# The half-size decode happens where it should, and only there: after an
# identity (invert twice) the same thumbnail decodes in full, byte for byte
# as before, so the two differ exactly for the JPEGs that shrink; not for a
# CMYK one, nor for one to be turned whose sides are odd.
rm -rf direct after
expect_exit 0 "$PIXPOOL" -q -b serial -f thumbnail:size=100 in -o direct
expect_exit 0 "$PIXPOOL" -q -b serial -f invert,invert,thumbnail:size=100 in -o after
for f in in/*.jpg; do
	f=${f#in/}
	case $f in
	cmyk.jpg | odd-o*) cmp -s direct/$f after/$f || fail "$f was decoded at half size" ;;
	*) cmp -s direct/$f after/$f && fail "$f was not decoded at half size" ;;
	esac
done

# The same bytes from every engine and pool size.
rm -rf ref
expect_exit 0 "$PIXPOOL" -q -b serial -f thumbnail:size=100 in -o ref
for backend in process openmp; do
	backend_wanted $backend || continue
	rm -rf out
	expect_exit 0 "$PIXPOOL" -q -b $backend -j 3 -f thumbnail:size=100 in -o out
	same_tree ref out
done
exit 0
