# A Fujifilm RAF mosaiced from a real photo (tests/make-raf.py: a FinePix
# X100's, Bayer, uncompressed) is developed by libraw into the photo again,
# within what demosaicing loses (the floor, 29 dB, is under the 30.3 dB
# measured); its size is its sensor's, from pixpool's own reader of the CFA
# header, read where it lies when the embedded JPEG is larger than the
# first MiB the parent reads; it is turned by the Orientation in that JPEG's
# EXIF, and the same on every engine. RAFs cut short, with their CFA past
# the end, or of a SuperCCD sensor fail, each with its reason, the rest
# still done.
. "$(dirname "$0")/lib.sh"

mkdir in
python3 "$TOP/tests/make-raf.py" "$SAMPLES/jpeg/rocket.jpg" in/rocket.raf ||
	fail "cannot make the RAF"
python3 "$TOP/tests/make-raf.py" "$SAMPLES/jpeg/retina.jpg" in/turned.raf 6 ||
	fail "cannot make the turned RAF"
mv in/rocket.png rocket.png && mv in/turned.png turned.png
# The sensor's full size, 4 columns and 2 rows either side of the image.
"$PIXPOOL" info in/rocket.raf | grep -q "rocket.raf: RAW 608x404, 3 channels, .*EXIF orientation 1" ||
	fail "info: $("$PIXPOOL" info in/rocket.raf)"
"$PIXPOOL" info in/turned.raf | grep -q "turned.raf: RAW 608x404, .*EXIF orientation 6" ||
	fail "info: $("$PIXPOOL" info in/turned.raf)"
"$PIXPOOL" info in | grep -q "^  RAW: 2 images" || fail "info: $("$PIXPOOL" info in)"

expect_exit 0 "$PIXPOOL" -q --format png in -o png --manifest m.csv
"$PIXPOOL" info png/rocket.png | grep -q "PNG 600x400" || fail "not the developed size"
"$PIXPOOL" info png/turned.png | grep -q "PNG 400x600" || fail "not turned by its JPEG's EXIF"
# input,status,input_width,input_height; and the sensor's 14 bits.
got=$(tail -n +2 m.csv | cut -d, -f1,3,6,7 | sort | tr '\n' ' ')
[ "$got" = "in/rocket.raf,ok,600,400 in/turned.raf,ok,400,600 " ] || fail "manifest: $got"
grep -q "^in/rocket.raf,png/rocket.png,ok,[0-9]*,[0-9]*,600,400,3,14," m.csv ||
	fail "manifest bits: $(cat m.csv)"
expect_exit 0 "$PIXPOOL" -q --format png --no-autoorient in/turned.raf -o stored
expect_exit 0 "$PIXPOOL" -q --format png -f rotate:angle=90 stored/turned.png -o by-hand
cmp -s by-hand/turned.png png/turned.png || fail "autoorient is not a quarter turn clockwise"
python3 - <<'PY' || fail "developed RAF far from its photo"
import numpy as np
from PIL import Image
for name, out in (("rocket", "png/rocket.png"), ("turned", "stored/turned.png")):
    a = np.asarray(Image.open(name + ".png").convert("RGB")).astype(float)
    b = np.asarray(Image.open(out)).astype(float)
    assert a.shape == b.shape, (name, a.shape, b.shape)
    psnr = 10 * np.log10(255 ** 2 / ((a - b) ** 2).mean())
    assert psnr >= 29, (name, psnr)
    # The exposure and the white balance as shot: no brightening, no cast.
    for c in range(3):
        assert abs(a[..., c].mean() - b[..., c].mean()) < 2, (name, c)
PY

# A camera's JPEG may be larger than the first MiB the parent reads of a
# file: the CFA header after it is read where it lies, so info and the
# memory estimate know the size, and the orientation still turns it.
mkdir far
python3 - <<'PY' || fail "cannot make the RAF with a large JPEG"
import struct
raf = open("in/turned.raf", "rb").read()
jpeg_at, jpeg_len, meta_at, meta_len, cfa_at, cfa_len = struct.unpack(">6I", raf[84:108])
jpeg = raf[jpeg_at:jpeg_at + jpeg_len]
exif_end = 4 + struct.unpack(">H", jpeg[4:6])[0]
# 24 APP9 segments of 65000 bytes after the EXIF: 1.5 MB.
pad = b"".join(b"\xff\xe9" + struct.pack(">H", 65000) + bytes(64998) for _ in range(24))
grown = len(pad)
head = raf[:84] + struct.pack(">6I", jpeg_at, jpeg_len + grown, meta_at + grown, meta_len,
                              cfa_at + grown, cfa_len) + raf[108:jpeg_at]
open("far/far.raf", "wb").write(head + jpeg[:exif_end] + pad + raf[jpeg_at + exif_end:])
PY
"$PIXPOOL" info far | grep -q "largest: far/far.raf, 608x404" || fail "far: $("$PIXPOOL" info far)"
"$PIXPOOL" info far | grep -q "size unknown" && fail "far: $("$PIXPOOL" info far)"
expect_exit 0 "$PIXPOOL" -q --format png far -o far-out
cmp -s far-out/far.png png/turned.png || fail "the RAF with a large JPEG is not the same photo"

# Broken RAFs, each with its reason, the rest still done; a RAF is read,
# never written: without --format it becomes a JPEG.
mkdir bad
cp in/rocket.raf bad/fine.raf
head -c 300000 in/rocket.raf >bad/cut.raf
python3 - <<'PY' || fail "cannot forge the RAFs"
import struct
raf = open("in/rocket.raf", "rb").read()
# The CFA's offset, at byte 100, past the end of the file.
open("bad/past-end.raf", "wb").write(raf[:100] + struct.pack(">I", len(raf) + 16) + raf[104:])
# The white balance record (0x2ff0, 8 bytes) made a FujiLayout one of a SuperCCD sensor.
at = raf.index(struct.pack(">HH", 0x2ff0, 8))
open("bad/superccd.raf", "wb").write(raf[:at] + struct.pack(">HH", 0x130, 8) +
                                     bytes([1, 2, 1, 0, 0, 0, 0, 0]) + raf[at + 12:])
PY
expect_exit 1 "$PIXPOOL" -q bad -o refused 2>refused.err
grep -q "^pixpool: bad/cut.raf: cannot decode: truncated RAW: the RAF's CFA lies past the end$" refused.err ||
	fail "cut: $(cat refused.err)"
grep -q "^pixpool: bad/past-end.raf: cannot decode: truncated RAW: the RAF's CFA lies past the end$" refused.err ||
	fail "past the end: $(cat refused.err)"
grep -q "^pixpool: bad/superccd.raf: cannot decode: RAF of a SuperCCD sensor not supported$" refused.err ||
	fail "SuperCCD: $(cat refused.err)"
[ "$(grep -c '^pixpool: bad/' refused.err)" = 3 ] || fail "not one message each: $(cat refused.err)"
[ "$(count_files refused)" = 1 ] && [ -s refused/fine.jpg ] || fail "wrote: $(find refused -type f)"

# Every engine and channel develops the same bytes.
same_on_every_engine --format png in
