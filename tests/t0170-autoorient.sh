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

# Two Orientation tags in IFD0, 6 then 1: the first decides, as exiftool
# reads it, for the pixels and for the metadata alike. The output is turned
# by it and says 1 in every copy of the tag, so no viewer turns it again,
# and a second run leaves its pixels as they are.
python3 - "$SAMPLES/jpeg/rocket.jpg" twice.jpg <<'PY' || fail "cannot make the test JPEG"
import struct, sys
data = open(sys.argv[1], "rb").read()
tiff = b"MM" + struct.pack(">HI", 42, 8) + struct.pack(">H", 2) \
    + struct.pack(">HHIHH", 0x0112, 3, 1, 6, 0) \
    + struct.pack(">HHIHH", 0x0112, 3, 1, 1, 0) + struct.pack(">I", 0)
app1 = b"Exif\0\0" + tiff
open(sys.argv[2], "wb").write(data[:2] + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + data[2:])
PY
if command -v exiftool >/dev/null; then
	[ "$(exiftool -Orientation -n -s3 twice.jpg)" = 6 ] || fail "exiftool does not read 6 first"
fi
"$PIXPOOL" info twice.jpg | grep -q "EXIF orientation 6" || fail "info: $("$PIXPOOL" info twice.jpg)"
expect_exit 0 "$PIXPOOL" -q --format png --strip twice.jpg -o twice-bare
cmp -s turned/rotated.png twice-bare/twice.png || fail "two tags: not turned by the first"
expect_exit 0 "$PIXPOOL" -q twice.jpg -o once
"$PIXPOOL" info once/twice.jpg | grep -q "JPEG 427x640, .*EXIF orientation 1" ||
	fail "two tags: $("$PIXPOOL" info once/twice.jpg)"
if command -v exiftool >/dev/null; then
	tags=$(exiftool -a -Orientation -n -s3 once/twice.jpg | tr '\n' ' ')
	[ "$tags" = "1 1 " ] || fail "two tags: exiftool reads '$tags' in the output, not '1 1'"
else
	echo "exiftool not installed: its reading of the output is not checked"
fi
expect_exit 0 "$PIXPOOL" -q --format png once/twice.jpg -o again
expect_exit 0 "$PIXPOOL" -q --format png --no-autoorient once/twice.jpg -o again-raw
cmp -s again/twice.png again-raw/twice.png || fail "two tags: a second run turned the pixels again"
"$PIXPOOL" info again/twice.png | grep -q "PNG 427x640" || fail "two tags: the second run changed the size"
