# TIFF in every layout the usual tools write (strips and tiles, none, LZW,
# deflate and JPEG compression, grey, RGB, RGBA, palette, CMYK, 16 bits,
# several pages) decodes to the pixels a second reader (Pillow) sees;
# TIFF written with each --tiff-compression reads back in Pillow as the
# same pixels; ICC and XMP go through; the Orientation tag turns the
# pixels; files over the pixel limit, cut short or in BigTIFF fail with
# their reason; every engine writes the same bytes.
. "$(dirname "$0")/lib.sh"

SRC=$TOP/tests/data
ICC=/usr/share/color/icc/colord/AdobeRGB1998.icc
[ -s "$ICC" ] || fail "$ICC missing (colord-data)"
mkdir in
python3 - "$SRC/chelsea.png" "$SRC/camera.png" <<'PY' || fail "cannot make the TIFFs with Pillow"
import sys
from PIL import Image
rgb = Image.open(sys.argv[1]).convert("RGB")
grey = Image.open(sys.argv[2]).convert("L")
rgb.save("in/rgb.tif")
grey.save("in/grey.tif", compression="tiff_lzw")
rgba = rgb.copy()
rgba.putalpha(grey.resize(rgb.size))
rgba.save("in/rgba.tif", compression="tiff_adobe_deflate")
rgb.convert("P").save("in/palette.tif")
rgb.convert("CMYK").save("in/cmyk.tif")
rgb.save("in/jpeg.tif", compression="jpeg")
rgb.save("in/turned.tif", tiffinfo={274: 6})
PY
for c in lzw zip none; do
	tiffcp -c $c in/rgb.tif in/strips-$c.tif || fail "tiffcp -c $c"
done
tiffcp -t -c zip in/rgb.tif in/tiles.tif || fail "tiffcp -t"
tiffcp in/rgb.tif in/grey.tif in/palette.tif in/pages.tif || fail "tiffcp pages"
# 16 bits a sample, of every value, and an ICC profile: ImageMagick from a 16-bit PPM.
python3 - <<'PY' || fail "cannot make the 16-bit PPM"
import numpy as np
v = (np.arange(256 * 128 * 3, dtype=np.uint32) * 2654435761 % 65536).astype(">u2")
open("sixteen.ppm", "wb").write(b"P6 256 128 65535\n" + v.tobytes())
PY
/usr/bin/convert sixteen.ppm -depth 16 in/sixteen.tif || fail "convert -depth 16"
/usr/bin/convert "$SRC/chelsea.png" -profile "$ICC" in/profile.tif || fail "convert -profile"

expect_exit 0 "$PIXPOOL" -q --format png --no-autoorient in -o png
[ "$(count_files png)" = 14 ] || fail "decoded: $(ls png)"

# Each PNG against Pillow's reading of the TIFF (its first page): the same
# pixels; 16 bits as round(v * 255 / 65535).
python3 - <<'PY' || fail "pixels differ from Pillow's"
import glob, os
import numpy as np
from PIL import Image
for path in sorted(glob.glob("in/*.tif")):
    name = os.path.basename(path)[:-4]
    ours = np.asarray(Image.open("png/%s.png" % name)).astype(np.int64)
    if name == "sixteen":
        v = np.frombuffer(open("sixteen.ppm", "rb").read()[17:], ">u2").astype(np.int64)
        ref = np.round(v * 255 / 65535).reshape(128, 256, 3)
    else:
        # Pillow turns a TIFF by its Orientation as it reads it: the stored
        # pixels of turned.tif are rgb.tif's.
        im = Image.open("in/rgb.tif" if name == "turned" else path)
        mode = "RGBA" if "A" in im.mode else "L" if im.mode == "L" else "RGB"
        ref = np.asarray(im.convert(mode)).astype(np.int64)
    if ours.shape != ref.shape:
        raise SystemExit("%s: %s, Pillow %s" % (name, ours.shape, ref.shape))
    if not np.array_equal(ours, ref):
        raise SystemExit("%s: %d samples differ" % (name, (ours != ref).sum()))
PY
"$PIXPOOL" info png/sixteen.png | grep -q "PNG 256x128, 3 channels" || fail "16-bit size"

# Written with each compression, read back by Pillow: the same pixels
# (JPEG near them), compressed as asked, LZW and deflate with predictor 2.
for c in none lzw deflate jpeg; do
	expect_exit 0 "$PIXPOOL" -q --format tiff --tiff-compression $c --no-autoorient in -o tif-$c
	[ "$(count_files tif-$c)" = 14 ] || fail "--tiff-compression $c wrote: $(ls tif-$c)"
done
python3 - <<'PY' || fail "TIFF output"
import glob, os
import numpy as np
from PIL import Image
names = {"none": "raw", "lzw": "tiff_lzw", "deflate": "tiff_adobe_deflate", "jpeg": "jpeg"}
for c, pil in names.items():
    for path in sorted(glob.glob("png/*.png")):
        name = os.path.basename(path)[:-4]
        ref = np.asarray(Image.open(path)).astype(float)
        im = Image.open("tif-%s/%s.tif" % (c, name))
        got = np.asarray(im).astype(float)
        if im.info.get("compression") != pil:
            raise SystemExit("%s/%s: compression %s" % (c, name, im.info.get("compression")))
        if c in ("lzw", "deflate") and im.tag_v2.get(317) != 2:
            raise SystemExit("%s/%s: predictor %s" % (c, name, im.tag_v2.get(317)))
        if got.shape != ref.shape:
            raise SystemExit("%s/%s: %s, not %s" % (c, name, got.shape, ref.shape))
        mse = ((got - ref) ** 2).mean()
        psnr = 99 if mse == 0 else 10 * np.log10(255 ** 2 / mse)
        # Noise JPEG cannot keep: a dithered palette image (23 dB measured),
        # the 16-bit image of every value (11 dB).
        if (c != "jpeg" and mse != 0) or psnr < {"palette": 20, "sixteen": 10}.get(name, 30):
            raise SystemExit("%s/%s: PSNR %.1f" % (c, name, psnr))
PY

# The ICC profile, and XMP, carried from TIFF into TIFF and PNG.
python3 - "$SRC/chelsea.png" <<'PY' || fail "cannot make the XMP TIFF"
import sys
from PIL import Image
xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></x:xmpmeta>'
Image.open(sys.argv[1]).convert("RGB").save("xmp.tif", tiffinfo={700: xmp})
open("xmp.xml", "wb").write(xmp)
PY
expect_exit 0 "$PIXPOOL" -q --format tiff in/profile.tif xmp.tif -o meta
expect_exit 0 "$PIXPOOL" -q --format png in/profile.tif -o meta-png
python3 - "$ICC" <<'PY' || fail "metadata not carried"
import sys
from PIL import Image
icc = open(sys.argv[1], "rb").read()
for path in ("meta/profile.tif", "meta-png/profile.png"):
    if Image.open(path).info.get("icc_profile") != icc:
        raise SystemExit(path + ": not the profile")
if bytes(Image.open("meta/xmp.tif").tag_v2.get(700)) != open("xmp.xml", "rb").read():
    raise SystemExit("XMP not carried")
PY
expect_exit 0 "$PIXPOOL" -q --format tiff --strip in/profile.tif -o stripped
python3 -c "
from PIL import Image
assert 'icc_profile' not in Image.open('stripped/profile.tif').info" || fail "--strip kept the profile"

# Orientation 6: turned upright as a JPEG would be, unless --no-autoorient.
expect_exit 0 "$PIXPOOL" -q --format png in/turned.tif -o upright
"$PIXPOOL" info upright/turned.png | grep -q "PNG 300x451" || fail "not turned"
"$PIXPOOL" info png/turned.png | grep -q "PNG 451x300" || fail "--no-autoorient turned it"
expect_exit 0 "$PIXPOOL" -q --format png -f rotate:angle=90 png/turned.png -o by-hand
cmp -s by-hand/turned.png upright/turned.png || fail "autoorient is not a quarter turn clockwise"

# Refusals, each with its reason, the other images still done.
mkdir bad
cp in/rgb.tif bad/fine.tif
head -c 50000 in/rgb.tif >bad/cut-strip.tif		# Pillow writes its IFD first
head -c 100000 in/strips-none.tif >bad/cut-ifd.tif	# tiffcp writes its IFD last
printf 'II+\000\010\000\000\000\020\000\000\000\000\000\000\000' >bad/big.tif
expect_exit 1 "$PIXPOOL" -q --format png bad -o refused 2>refused.err
grep -q "bad/cut-strip.tif: cannot decode: truncated TIFF: strip or tile [0-9]* lies past the end" refused.err ||
	fail "cut strip: $(cat refused.err)"
grep -q "bad/cut-ifd.tif: cannot decode: truncated TIFF" refused.err || fail "cut IFD: $(cat refused.err)"
grep -q "bad/big.tif: cannot decode: BigTIFF, which pixpool does not read" refused.err ||
	fail "BigTIFF: $(cat refused.err)"
[ "$(count_files refused)" = 1 ] && [ -s refused/fine.png ] || fail "wrote: $(find refused -type f)"
expect_exit 1 "$PIXPOOL" --max-pixels 0.1 -q --format png in/rgb.tif -o over 2>over.err
grep -q "in/rgb.tif: TIFF larger than the limit: 451x300 is 135300 pixels, over 100000" over.err ||
	fail "pixel limit: $(cat over.err)"

# A mistyped compression is a usage error with a suggestion.
expect_exit 2 "$PIXPOOL" --tiff-compression lzv in -o never 2>usage.err
grep -q "tiff-compression lzv: must be one of none, lzw, deflate, jpeg; did you mean 'lzw'?" usage.err ||
	fail "usage: $(cat usage.err)"

# Every engine and channel writes the same bytes.
same_on_every_engine --format tiff -f resize:width=200 in
