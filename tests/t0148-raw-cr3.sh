# A CR3 mosaiced from a real photo (tests/make-cr3.py: lossless CRX, the
# EOS M50's colours, white balance, black and white levels in its
# makernotes) is developed by libraw into the photo again, within what
# demosaicing loses (the floor, 29 dB as t0153's, is under the 32.0 and
# 31.5 dB measured); info reports it as a RAW of its CRAW entry's size, it
# is turned by CMT1's Orientation, and it is the same on every engine. A CR3
# cut short fails alone, with its reason, and so does one whose CRX data
# alone is cut short, on every engine.
. "$(dirname "$0")/lib.sh"

mkdir in
python3 "$TOP/tests/make-cr3.py" "$TOP/tests/data/chelsea.png" in/chelsea.cr3 ||
	fail "cannot make the CR3"
python3 "$TOP/tests/make-cr3.py" "$TOP/tests/data/camera.png" in/turned.cr3 6 ||
	fail "cannot make the turned CR3"
# A photo whose brightest sample is well under white: libraw must not take it for white.
python3 "$TOP/tests/make-cr3.py" "$SAMPLES/jpeg/rocket.jpg" in/rocket.cr3 ||
	fail "cannot make the rocket CR3"
mv in/chelsea.png chelsea.png && mv in/turned.png turned.png && mv in/rocket.png rocket.png
"$PIXPOOL" info in/chelsea.cr3 | grep -q "chelsea.cr3: RAW 300x200, 3 channels" ||
	fail "info: $("$PIXPOOL" info in/chelsea.cr3)"
"$PIXPOOL" info in/turned.cr3 | grep -q "turned.cr3: RAW 300x200, .*EXIF orientation 6" ||
	fail "info: $("$PIXPOOL" info in/turned.cr3)"

expect_exit 0 "$PIXPOOL" -q --format png in -o png
"$PIXPOOL" info png/chelsea.png | grep -q "PNG 300x200" || fail "$("$PIXPOOL" info png/chelsea.png)"
"$PIXPOOL" info png/turned.png | grep -q "PNG 200x300" || fail "not turned by its Orientation"
expect_exit 0 "$PIXPOOL" -q --format png --no-autoorient in/turned.cr3 -o stored
expect_exit 0 "$PIXPOOL" -q --format png -f rotate:angle=90 stored/turned.png -o by-hand
cmp -s by-hand/turned.png png/turned.png || fail "autoorient is not a quarter turn clockwise"
python3 - <<'PY' || fail "developed CR3 far from its photo"
import numpy as np
from PIL import Image
# Orientation 6 is shown turned a quarter clockwise (the wrong way: 7 dB).
for name, out, turns in (("chelsea", "png/chelsea.png", 0), ("turned", "stored/turned.png", 0),
                         ("turned", "png/turned.png", -1), ("rocket", "png/rocket.png", 0)):
    a = np.rot90(np.asarray(Image.open(name + ".png").convert("RGB")), turns).astype(float)
    b = np.asarray(Image.open(out)).astype(float)
    assert a.shape == b.shape, (name, a.shape, b.shape)
    psnr = 10 * np.log10(255 ** 2 / ((a - b) ** 2).mean())
    assert psnr >= 29, (name, psnr)
    # The exposure and white balance as shot (the cameraman stays grey):
    # each channel's mean kept.
    assert (abs(a.mean(axis=(0, 1)) - b.mean(axis=(0, 1))) < 2).all(), (name, a.mean(), b.mean())
PY

# Cut short in its mdat: one message naming it, the other image still written.
mkdir cut
cp in/chelsea.cr3 cut/fine.cr3
size=$(wc -c <in/turned.cr3)
head -c $((size - 5000)) in/turned.cr3 >cut/short.cr3
expect_exit 1 "$PIXPOOL" -q --format png cut -o cut-out 2>cut.err
[ "$(wc -l <cut.err)" = 1 ] || fail "not one message: $(cat cut.err)"
grep -q "short.cr3: cannot decode: truncated RAW: a box runs past the end of the file" cut.err ||
	fail "short: $(cat cut.err)"
[ "$(count_files cut-out)" = 1 ] && [ -s cut-out/fine.png ] || fail "wrote: $(find cut-out -type f)"

# Its boxes whole but its CRX data cut short (mdat's size made the file's): libraw
# 0.20 reading past the end throws out of an OpenMP region and ends the process,
# so the structure check refuses it first, on every engine.
mkdir crx
cp in/chelsea.cr3 crx/fine.cr3
python3 - in/turned.cr3 crx/short.cr3 <<'PY' || fail "cannot cut the CRX data"
import struct, sys
d = bytearray(open(sys.argv[1], "rb").read()[:-5000])
at = d.index(b"mdat") - 4
d[at:at + 4] = struct.pack(">I", len(d) - at)
open(sys.argv[2], "wb").write(d)
PY
for engine in serial process openmp; do
	backend_wanted $engine || continue
	rm -rf crx-out
	expect_exit 1 "$PIXPOOL" -q -e $engine --format png crx -o crx-out 2>crx.err
	grep -q "short.cr3: cannot decode: truncated RAW: a CR3 sample lies past the end of the file" crx.err ||
		fail "$engine: $(cat crx.err)"
	[ "$(count_files crx-out)" = 1 ] && [ -s crx-out/fine.png ] ||
		fail "$engine wrote: $(find crx-out -type f)"
done

# Every engine and channel develops the same bytes.
same_on_every_engine --format png in
