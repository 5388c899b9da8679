# WebP is read and written: lossy, lossless, with alpha, extended (VP8X)
# with ICC, EXIF and XMP, and animated (its first frame), each decoded to
# what dwebp or Pillow decodes (lossless: exactly); JPEG to WebP read back
# by Pillow and dwebp; --lossless gives back every sample; the metadata
# and orientation carried; the same bytes from every engine; a truncated
# file named with its reason while the others are written.
. "$(dirname "$0")/lib.sh"
python3 -c "from PIL import features; assert features.check('webp')" 2>/dev/null || fail "Pillow with WebP missing (python3-pil)"
for tool in cwebp dwebp webpmux webpinfo img2webp exiftool; do
	command -v $tool >/dev/null || fail "$tool missing (webp, libimage-exiftool-perl)"
done
CHELSEA=$TOP/tests/data/chelsea.png

# compare A B [MIN_DB]: fails unless A and B have the same size and mode and
# their samples are equal (no MIN_DB) or within MIN_DB of PSNR. B may be
# turned first: "rot270:FILE" (EXIF orientation 6).
compare() {
	python3 - "$@" <<'EOF' || fail "$1 against $2: $(cat psnr)"
import math, sys
from PIL import Image, ImageChops, ImageStat
a = Image.open(sys.argv[1])
b_name = sys.argv[2]
turn = b_name.startswith("rot270:")
b = Image.open(b_name[7:] if turn else b_name)
if turn:
    b = b.transpose(Image.Transpose.ROTATE_270)
b = b.convert(a.mode)
if a.size != b.size:
    open("psnr", "w").write("sizes %s and %s" % (a.size, b.size)); sys.exit(1)
d = ImageChops.difference(a, b)
if len(sys.argv) < 4:
    open("psnr", "w").write("not equal: differences within %s" % (d.getbbox(),))
    sys.exit(0 if d.getbbox() is None else 1)
mse = sum(ImageStat.Stat(d).sum2) / (a.size[0] * a.size[1] * len(a.getbands()))
db = 99 if mse == 0 else 10 * math.log10(255 * 255 / mse)
open("psnr", "w").write("PSNR %.2f dB, want %s" % (db, sys.argv[3]))
sys.exit(0 if db >= float(sys.argv[3]) else 1)
EOF
}

# The corpus: lossy, lossless, alpha both ways, metadata, an animation, a broken file.
mkdir in
python3 - "$CHELSEA" <<'EOF' || fail "cannot make the PNGs"
import sys
from PIL import Image
im = Image.open(sys.argv[1]).convert("RGB")
w, h = im.size
alpha = Image.linear_gradient("L").resize((w, h)).rotate(90)
rgba = im.copy(); rgba.putalpha(alpha); rgba.save("alpha.png")
im.transpose(Image.Transpose.FLIP_LEFT_RIGHT).save("flipped.png")
im.crop((0, 0, 450, 300)).save("even.png")
EOF
{ cwebp -quiet -q 80 "$SAMPLES/jpeg/rocket.jpg" -o in/lossy.webp &&
	cwebp -quiet -lossless "$CHELSEA" -o in/lossless.webp &&
	cwebp -quiet -q 80 even.png -o in/even.webp &&
	cwebp -quiet -q 80 alpha.png -o in/alpha-lossy.webp &&
	cwebp -quiet -lossless -exact alpha.png -o in/alpha-lossless.webp &&
	img2webp -lossless "$CHELSEA" flipped.png -o in/anim.webp; } >/dev/null 2>&1 ||
	fail "cannot make the WebP corpus"
"$PIXPOOL" -q --strip "$SAMPLES/jpeg/rocket.jpg" -o base &&
	python3 "$TOP/tests/make-meta.py" base/rocket.jpg meta.jpg --orientation 6 --no-thumbnail &&
	cwebp -quiet -q 80 meta.jpg -o bare.webp &&
	webpmux -set icc meta.jpg.icc bare.webp -o icc.webp 2>/dev/null &&
	webpmux -set exif meta.jpg.exif icc.webp -o exif.webp 2>/dev/null &&
	webpmux -set xmp meta.jpg.xmp exif.webp -o in/meta.webp 2>/dev/null ||
	fail "cannot make the WebP with metadata"
head -c 3000 in/lossy.webp >in/broken.webp
for f in lossy lossless even alpha-lossy alpha-lossless meta; do
	dwebp -quiet in/$f.webp -o ref-$f.png || fail "dwebp cannot read in/$f.webp"
done

# Decoded: what dwebp decodes (the same library), the lossless ones what went in,
# the animation its first frame, the EXIF Orientation obeyed; the broken one named.
expect_exit 1 "$PIXPOOL" -q --format png --manifest m.csv in -o png 2>err
grep -qx "pixpool: in/broken.webp: cannot decode: truncated WebP" err || fail "broken: $(cat err)"
[ "$(grep -c ',ok,' m.csv) $(grep -c ',failed,' m.csv)" = "7 1" ] || fail "counts: $(cat m.csv)"
[ -e png/broken.png ] && fail "a broken input left an output"
for f in lossy even alpha-lossy; do compare png/$f.png ref-$f.png 60; done
compare png/lossless.png "$CHELSEA"
compare png/alpha-lossless.png alpha.png
compare png/anim.png "$CHELSEA"
compare png/meta.png rot270:ref-meta.png
"$PIXPOOL" info png/alpha-lossy.png | grep -q ": PNG 451x300, 4 channels" ||
	fail "alpha lost: $("$PIXPOOL" info png/alpha-lossy.png)"
rm in/broken.webp

# --format same keeps WebP; a JPEG becomes a WebP that Pillow and dwebp read.
expect_exit 0 "$PIXPOOL" -q in "$SAMPLES/jpeg" -o same
expect_exit 0 "$PIXPOOL" -q --format webp "$SAMPLES/jpeg" -o webp
for f in same/in/lossy.webp webp/rocket.webp webp/retina.webp; do
	"$PIXPOOL" info "$f" | grep -q ": WebP " || fail "$f: $("$PIXPOOL" info "$f")"
done
for f in rocket retina hubble_deep_field; do
	dwebp -quiet webp/$f.webp -o /dev/null || fail "dwebp cannot read webp/$f.webp"
	compare webp/$f.webp "$SAMPLES/jpeg/$f.jpg" 30
done

# --lossless: every sample back, alpha included; the file is VP8L.
expect_exit 0 "$PIXPOOL" -q --lossless --format webp "$CHELSEA" alpha.png -o ll
compare ll/chelsea.webp "$CHELSEA"
compare ll/alpha.webp alpha.png
webpinfo ll/chelsea.webp | grep -q "^Chunk VP8L" || fail "--lossless wrote no VP8L"

# Metadata: ICC and XMP byte for byte, EXIF made true (upright, its new size);
# --no-autoorient keeps the pixels and the Orientation as they were.
for part in icc xmp; do
	webpmux -get $part same/in/meta.webp -o got.$part 2>/dev/null || fail "no $part in the output"
	cmp -s got.$part meta.jpg.$part || fail "$part changed"
done
[ "$(exiftool -s -s -s -Orientation -n same/in/meta.webp)" = 1 ] || fail "orientation not reset"
[ "$(exiftool -s -s -s -ImageSize same/in/meta.webp)" = 427x640 ] || fail "not turned"
[ "$(exiftool -s -s -s -Make same/in/meta.webp)" = PixCam ] || fail "EXIF lost"
expect_exit 0 "$PIXPOOL" -q --no-autoorient in/meta.webp -o kept
[ "$(exiftool -s -s -s -Orientation -n kept/meta.webp)" = 6 ] || fail "orientation changed"
expect_exit 0 "$PIXPOOL" -q --format webp meta.jpg -o fromjpeg
webpmux -get icc fromjpeg/meta.webp -o jpeg.icc 2>/dev/null && cmp -s jpeg.icc meta.jpg.icc ||
	fail "JPEG -> WebP lost the ICC profile"

# The same bytes from every engine and channel, lossy and lossless, and thumbnails
# (in/even.webp decoded at half size).
for opts in "--format webp -f thumbnail:size=200" "--format webp --lossless -f grayscale"; do
	rm -rf ref
	for b in serial process:pipe process:shm openmp; do
		backend_wanted ${b%%:*} || continue
		channel=${b#process:}
		[ "$channel" = "$b" ] && channel=pipe
		rm -rf got
		# shellcheck disable=SC2086 # the options, one space apart
		expect_exit 0 "$PIXPOOL" -q -j 2 -e ${b%%:*} --channel $channel $opts in -o got
		if [ -d ref ]; then same_tree ref got; else mv got ref; fi
	done
done
