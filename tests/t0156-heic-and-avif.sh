#!/bin/sh
# HEIC and AVIF written by heif-enc (8 and 10 bits, with alpha, turned by
# the container's irot, and a HEIC grid of four tiles as phones write them)
# are read as heif-convert reads them, within 40 dB,
# upright by their own transforms and never again by an EXIF Orientation,
# whose copy in the output says 1. Without --format a HEIC is written as
# JPEG and an AVIF as AVIF. AVIF written by pixpool is read back by
# heif-convert within 30 dB of its input, with its metadata, and every
# engine and channel writes the same bytes, run after run.
. "$(dirname "$0")/lib.sh"
need_backend serial process openmp
# The sandboxed workers when this run covers them (the TSan run covers OpenMP alone).
for engine in process openmp serial; do
	backend_wanted $engine && break
done
python3 -c "import PIL, numpy" 2>/dev/null || fail "Pillow or numpy missing (python3-pil, python3-numpy)"
command -v heif-enc >/dev/null && command -v heif-convert >/dev/null ||
	fail "heif-enc or heif-convert missing (libheif-examples)"

# psnr A B MIN: fails unless A and B have the same size and channels and are within MIN dB.
psnr() {
	python3 - "$1" "$2" "$3" <<'EOF' || fail "$1 against $2: $(cat psnr.txt)"
import sys
import numpy as np
from PIL import Image
a, b = Image.open(sys.argv[1]), Image.open(sys.argv[2])
mode = "RGBA" if "A" in a.mode or "A" in b.mode else "RGB"
a, b = (np.asarray(i.convert(mode), dtype=np.float64) for i in (a, b))
if a.shape != b.shape:
    open("psnr.txt", "w").write("sizes %s and %s" % (a.shape, b.shape)); sys.exit(1)
mse = ((a - b) ** 2).mean()
db = 99.0 if mse == 0 else 10 * np.log10(255.0 ** 2 / mse)
open("psnr.txt", "w").write("%.1f dB, want %s" % (db, sys.argv[3]))
sys.exit(0 if db >= float(sys.argv[3]) else 1)
EOF
}

mkdir in ref
python3 - "$TOP/tests/data/chelsea.png" <<'EOF' || fail "cannot make the inputs"
import sys
import numpy as np
from PIL import Image
rgb = Image.open(sys.argv[1]).convert("RGB")            # 451 x 300
rgb.info = {}   # libpng refuses its sRGB profile, so heif-convert writes no PNG of it
rgba = rgb.copy()
rgba.putalpha(Image.fromarray(np.tile(np.linspace(0, 255, 451, dtype=np.uint8), (300, 1))))
rgb.save("src.png")
rgba.save("alpha.png")
for r in range(2):
    for c in range(2):
        rgb.crop((c * 256, r * 160, c * 256 + 256, r * 160 + 160)).save("tile%d%d.png" % (r, c))
EOF
PATH=/usr/bin:$PATH convert src.png -depth 16 deep.png || fail "cannot make a 16-bit PNG"
python3 "$TOP/tests/make-meta.py" "$SAMPLES/jpeg/rocket.jpg" meta.jpg --orientation 6 ||
	fail "cannot make the JPEG with metadata"
heif-enc -q 80 -o in/cat.heic src.png >/dev/null &&
	heif-enc -A -q 80 -o in/cat.avif src.png >/dev/null &&
	heif-enc -A -q 80 -o in/alpha.avif alpha.png >/dev/null &&
	heif-enc -A -b 10 -q 80 -o in/deep.avif deep.png >/dev/null &&
	heif-enc -q 80 -o turned.heic meta.jpg >/dev/null || fail "heif-enc failed"
for t in tile00 tile01 tile10 tile11; do
	heif-enc -q 80 -o $t.heic $t.png >/dev/null || fail "heif-enc failed on $t"
done
python3 "$TOP/tests/make-heif-grid.py" in/grid.heic 2 451 300 tile00.heic tile01.heic \
	tile10.heic tile11.heic || fail "cannot build the grid"

# heif-enc writes no irot (it keeps the JPEG's EXIF, Orientation 6 and
# all): turn its pixi box into an irot of a quarter turn anticlockwise (the
# box keeps its size; readers read its first byte).
python3 - turned.heic in/turned.heic <<'EOF' || fail "cannot turn the HEIC"
import struct, sys
d = bytearray(open(sys.argv[1], "rb").read())
i = d.find(b"pixi")
assert i > 0 and d.find(b"irot") < 0
d[i:i + 5] = b"irot\x01"
assert d.find(struct.pack(">HHIH", 0x0112, 3, 1, 6)) > 0
open(sys.argv[2], "wb").write(d)
EOF
for f in cat.heic cat.avif alpha.avif deep.avif turned.heic grid.heic; do
	heif-convert in/$f ref/${f%.*}-${f#*.}.png >/dev/null || fail "heif-convert cannot read $f"
done
"$PIXPOOL" info in/turned.heic | grep -q "HEIC 427x640, 3 channels" ||
	fail "info: $("$PIXPOOL" info in/turned.heic)"
"$PIXPOOL" info in/alpha.avif | grep -q "AVIF 451x300, 4 channels" ||
	fail "info: $("$PIXPOOL" info in/alpha.avif)"
"$PIXPOOL" info in/grid.heic | grep -q "HEIC 451x300, 3 channels" ||
	fail "info: $("$PIXPOOL" info in/grid.heic)"

# Read: as heif-convert reads them (under the sandboxed workers, where covered).
mkdir png
for f in in/*; do
	b=$(basename "$f")
	expect_exit 0 "$PIXPOOL" -q -e $engine --format png "$f" -o "png/${b#*.}"
done
for f in cat.heic cat.avif alpha.avif deep.avif turned.heic grid.heic; do
	psnr "png/${f#*.}/${f%.*}.png" "ref/${f%.*}-${f#*.}.png" 40
done
"$PIXPOOL" info png/heic/turned.png | grep -q "PNG 427x640, .*EXIF orientation 1" ||
	fail "turned: $("$PIXPOOL" info png/heic/turned.png)"
"$PIXPOOL" info png/avif/alpha.png | grep -q "PNG 451x300, 4 channels" ||
	fail "alpha: $("$PIXPOOL" info png/avif/alpha.png)"

# Without --format: HEIC, which pixpool does not write, as JPEG; AVIF as AVIF.
expect_exit 0 "$PIXPOOL" -q -e $engine in -o same
[ -f same/cat.jpg ] && [ -f same/turned.jpg ] && [ -f same/grid.jpg ] && [ -f same/cat.avif ] ||
	fail "not written as JPEG and AVIF: $(ls same)"
"$PIXPOOL" info same/turned.jpg | grep -q "JPEG 427x640, .*EXIF orientation 1" ||
	fail "turned as JPEG: $("$PIXPOOL" info same/turned.jpg)"

# Write: heif-convert reads it back near its input, with the profile and
# the EXIF; two runs give the same bytes, as every engine and channel does.
cp "$SAMPLES/jpeg/hubble_deep_field.jpg" hubble.jpg
expect_exit 0 "$PIXPOOL" -q -e $engine --format avif src.png alpha.png meta.jpg hubble.jpg -o avif
heif-convert avif/src.avif back.png >/dev/null || fail "heif-convert cannot read pixpool's AVIF"
psnr back.png src.png 30
heif-convert avif/alpha.avif back-alpha.png >/dev/null || fail "heif-convert: alpha"
psnr back-alpha.png alpha.png 30
"$PIXPOOL" info avif/meta.avif | tr '\n' ' ' |
	grep -q "AVIF 427x640, .* EXIF 242 bytes: camera \"PixCam Model Seven\", .*orientation 1, GPS yes" ||
	fail "metadata: $("$PIXPOOL" info avif/meta.avif)"
"$PIXPOOL" info avif/hubble.avif | tr '\n' ' ' | grep -q 'EXIF 230 bytes.*ICC "sRGB IEC61966-2.1" 3144 bytes; XMP 12032 bytes' ||
	fail "metadata: $("$PIXPOOL" info avif/hubble.avif)"
expect_exit 0 "$PIXPOOL" -q -e $engine --format avif src.png alpha.png meta.jpg hubble.jpg -o again
same_tree avif again
for e in serial process openmp; do
	backend_wanted $e || continue
	for ch in pipe shm; do
		[ $e = process ] || [ $ch = pipe ] || continue
		rm -rf run
		expect_exit 0 "$PIXPOOL" -q -e $e --channel $ch -j 2 --avif-speed 8 --format avif \
			in/cat.avif in/alpha.avif in/deep.avif in/turned.heic in/grid.heic src.png -o run
		rm -f run/.pixpool-settings
		[ -d first ] || cp -R run first
		same_tree first run
	done
done
[ "$(count_files first)" = 6 ] || fail "not every image written: $(ls first)"
