# A DNG mosaiced from a real photo (tests/make-dng.py) is developed by
# libraw into the photo again, within what demosaicing loses (no second
# raw developer is installed to compare with: the floor, 29 dB, is under
# the 30.9 dB measured); it is told from a TIFF by its bytes, turned by
# its Orientation, and the same on every engine. A RAW is never written,
# and RAWs pixpool cannot read fail with their reason.
. "$(dirname "$0")/lib.sh"

mkdir in
python3 "$TOP/tests/make-dng.py" "$SAMPLES/jpeg/rocket.jpg" in/rocket.dng ||
	fail "cannot make the DNG"
python3 "$TOP/tests/make-dng.py" "$SAMPLES/jpeg/retina.jpg" in/turned.dng 6 ||
	fail "cannot make the turned DNG"
mv in/rocket.png rocket.png && mv in/turned.png turned.png
"$PIXPOOL" info in/rocket.dng | grep -q "rocket.dng: RAW 600x400, 3 channels" ||
	fail "info: $("$PIXPOOL" info in/rocket.dng)"

expect_exit 0 "$PIXPOOL" -q --format png in -o png
"$PIXPOOL" info png/turned.png | grep -q "PNG 400x600" || fail "not turned by its Orientation"
expect_exit 0 "$PIXPOOL" -q --format png --no-autoorient in/turned.dng -o stored
expect_exit 0 "$PIXPOOL" -q --format png -f rotate:angle=90 stored/turned.png -o by-hand
cmp -s by-hand/turned.png png/turned.png || fail "autoorient is not a quarter turn clockwise"
python3 - <<'PY' || fail "developed DNG far from its photo"
import numpy as np
from PIL import Image
for name, out in (("rocket", "png/rocket.png"), ("turned", "stored/turned.png")):
    a = np.asarray(Image.open(name + ".png").convert("RGB")).astype(float)
    b = np.asarray(Image.open(out)).astype(float)
    assert a.shape == b.shape, (name, a.shape, b.shape)
    psnr = 10 * np.log10(255 ** 2 / ((a - b) ** 2).mean())
    assert psnr >= 29, (name, psnr)
    # The exposure as shot: no brightening.
    assert abs(a.mean() - b.mean()) < 2, (name, a.mean(), b.mean())
PY

# A RAW is read, never written: without --format it becomes a JPEG, as a
# camera's own would be, with the pixels of the PNG run.
expect_exit 0 "$PIXPOOL" -q in/rocket.dng -o same
[ "$(count_files same)" = 1 ] && [ -f same/rocket.jpg ] || fail "same: $(find same -type f)"
python3 - <<'PY' || fail "the JPEG is not the PNG's pixels"
from PIL import Image
import numpy as np
a = np.asarray(Image.open("same/rocket.jpg").convert("RGB"), dtype=np.float64)
b = np.asarray(Image.open("png/rocket.png").convert("RGB"), dtype=np.float64)
assert a.shape == b.shape, (a.shape, b.shape)
psnr = 10 * np.log10(255 ** 2 / ((a - b) ** 2).mean())
assert psnr >= 33, psnr  # JPEG at quality 90: 35.6 dB measured
PY

# Only its header says a DNG named as a TIFF is a RAW, after its output was
# named: without --format it fails, saying so, rather than write a JPEG
# under a .tif name.
mkdir named
cp in/rocket.dng named/rocket.tif
expect_exit 1 "$PIXPOOL" -q named -o named-out 2>named.err
grep -q "rocket.tif: RAW, though it begins as a TIFF does: give --format" named.err ||
	fail "named: $(cat named.err)"
[ "$(count_files named-out)" = 0 ] || fail "wrote: $(find named-out -type f)"

# Broken and unsupported RAWs, each with its reason, the rest still done
# (RAFs: t0149).
mkdir bad
cp in/rocket.dng bad/fine.dng
head -c 200000 in/rocket.dng >bad/cut.dng
printf '\000\000\000\030ftypcrx \000\000\000\001crx isom' >bad/photo.cr3
printf 'FUJIFILMCCD-RAW 0201FF383501' >bad/other.raf
printf 'II*\000\010\000\000\000CR\002\000\000\000\000\000\000\000' >bad/empty.cr2
expect_exit 1 "$PIXPOOL" -q --format jpg bad -o refused 2>refused.err
grep -q "cut.dng: cannot decode: truncated RAW: strip or tile 0 lies past the end" refused.err ||
	fail "cut: $(cat refused.err)"
grep -q "photo.cr3: cannot decode: truncated RAW" refused.err || fail "CR3: $(cat refused.err)"
grep -q "other.raf: cannot decode: truncated RAW" refused.err || fail "RAF: $(cat refused.err)"
grep -q "empty.cr2: cannot decode: corrupt RAW: IFD of 21059 entries" refused.err || fail "CR2: $(cat refused.err)"
[ "$(count_files refused)" = 1 ] && [ -s refused/fine.jpg ] || fail "wrote: $(find refused -type f)"

# Every engine and channel develops the same bytes.
same_on_every_engine --format png in
