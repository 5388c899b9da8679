# A JPEG whose EXIF Orientation says "rotate 90 clockwise" (as phones write
# portrait photos) comes out upright by default, and as stored with
# --no-autoorient; PNG input is never turned.
. "$(dirname "$0")/lib.sh"

# Splice an APP1 Exif segment (big-endian TIFF, IFD0 holding only the
# Orientation tag) in after the JPEG's SOI marker.
python3 - "$SAMPLES/jpeg/rocket.jpg" rotated.jpg <<'PY' || fail "cannot make the test JPEG"
import struct, sys
data = open(sys.argv[1], "rb").read()
tiff = b"MM" + struct.pack(">HI", 42, 8) + struct.pack(">H", 1) \
    + struct.pack(">HHIHH", 0x0112, 3, 1, 6, 0) + struct.pack(">I", 0)
app1 = b"Exif\0\0" + tiff
open(sys.argv[2], "wb").write(data[:2] + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + data[2:])
PY
"$PIXPOOL" info rotated.jpg | grep -q "JPEG 640x427, 3 channels, .*EXIF orientation 6" ||
	fail "info: $("$PIXPOOL" info rotated.jpg)"

expect_exit 0 "$PIXPOOL" -q --format png rotated.jpg -o upright
expect_exit 0 "$PIXPOOL" -q --format png --no-autoorient rotated.jpg -o raw
"$PIXPOOL" info upright/rotated.png | grep -q "PNG 427x640" || fail "not turned: $("$PIXPOOL" info upright/rotated.png)"
"$PIXPOOL" info raw/rotated.png | grep -q "PNG 640x427" || fail "--no-autoorient turned it"

# Upright is the stored image turned 90 degrees clockwise, pixel for pixel
# (the EXIF, whose Orientation differs between the two, is left out).
expect_exit 0 "$PIXPOOL" -q --format png --strip rotated.jpg -o upright-bare
expect_exit 0 "$PIXPOOL" -q --format png --strip -f rotate:angle=90 raw/rotated.png -o turned
cmp -s turned/rotated.png upright-bare/rotated.png || fail "autoorient differs from rotate:angle=90"
