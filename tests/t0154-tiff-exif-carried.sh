# A TIFF carries EXIF in and out. A JPEG's EXIF (camera, date, exposure,
# GPS) goes into TIFF output's IFD0, Exif IFD and GPS IFD, where exiftool
# reads it, with the JPEG's Orientation (1 once turned upright); a TIFF's
# EXIF, pixpool's own or one exiftool wrote onto a tiffcp'd TIFF, goes on
# into a JPEG; --strip=gps and --strip take out what they name on the way
# in and out; a TIFF whose EXIF is forged costs its EXIF alone, with a
# warning; the pixels are those of a TIFF without EXIF; every engine writes
# the same bytes.
. "$(dirname "$0")/lib.sh"
MAKE="python3 $TOP/tests/make-meta.py"
command -v exiftool >/dev/null || fail "exiftool missing (libimage-exiftool-perl)"
command -v tiffcp >/dev/null || fail "tiffcp missing (libtiff-tools)"

tag() { exiftool -s -s -s "-$2" "$1"; }
# The tags both files must hold, with the same values, as exiftool prints them.
TAGS="Make Model Copyright DateTimeOriginal ExposureTime FNumber ISO GPSLatitudeRef GPSLatitude
GPSLongitude"
same_exif() {
	for _t in $TAGS; do
		[ -n "$(tag "$1" "$_t")" ] || fail "$2: no $_t"
		[ "$(tag "$1" "$_t")" = "$(tag in.jpg "$_t")" ] ||
			fail "$2: $_t is '$(tag "$1" "$_t")', not '$(tag in.jpg "$_t")'"
	done
}
orientation() {
	[ "$(exiftool -s -s -s -n -Orientation "$1")" = "$2" ] ||
		fail "$1: Orientation '$(exiftool -s -s -s -n -Orientation "$1")', not $2"
}
no_gps() { [ -z "$(exiftool -s -s -s -gps:all "$1")" ] || fail "$1 kept GPS: $(exiftool -gps:all "$1")"; }

expect_exit 0 "$PIXPOOL" -q --strip "$SAMPLES/jpeg/rocket.jpg" -o base
$MAKE base/rocket.jpg in.jpg --order II --orientation 6 || fail "make in.jpg"
exiftool -q -overwrite_original -ExposureTime=1/250 -FNumber=5.6 -ISO=400 -GPSLongitudeRef=E \
	-GPSLongitude=2.2945 in.jpg || fail "exiftool onto in.jpg"

# JPEG to TIFF: as stored, Orientation 6; turned upright, 1.
expect_exit 0 "$PIXPOOL" -q --format tiff --no-autoorient in.jpg -o tif
same_exif tif/in.tif "JPEG to TIFF"
orientation tif/in.tif 6
expect_exit 0 "$PIXPOOL" -q --format tiff in.jpg -o upright
same_exif upright/in.tif "JPEG to TIFF upright"
orientation upright/in.tif 1
"$PIXPOOL" info upright/in.tif | grep -q "TIFF 427x640" || fail "not turned: $("$PIXPOOL" info upright/in.tif)"

# The pixels are those of the TIFF written without its EXIF, as stored.
expect_exit 0 "$PIXPOOL" -q --format tiff --strip=exif --no-autoorient in.jpg -o bare
expect_exit 0 "$PIXPOOL" -q --format png --strip --no-autoorient tif/in.tif -o tif-png
expect_exit 0 "$PIXPOOL" -q --format png --strip --no-autoorient bare/in.tif -o bare-png
cmp -s tif-png/in.png bare-png/in.png || fail "EXIF changed the pixels"

# TIFF to JPEG: pixpool's TIFF, and one exiftool wrote EXIF onto after tiffcp.
expect_exit 0 "$PIXPOOL" -q --format jpeg --no-autoorient tif/in.tif -o back
same_exif back/in.jpg "TIFF to JPEG"
orientation back/in.jpg 6
python3 -c "
from PIL import Image
Image.open('$TOP/tests/data/chelsea.png').convert('RGB').save('plain.tif')" || fail "Pillow"
tiffcp -c lzw plain.tif tools.tif || fail "tiffcp"
exiftool -q -overwrite_original -tagsFromFile in.jpg -exif:all tools.tif || fail "exiftool onto tools.tif"
orientation tools.tif 6
expect_exit 0 "$PIXPOOL" -q --format jpeg tools.tif -o tools
same_exif tools/tools.jpg "tiffcp'd TIFF to JPEG"
orientation tools/tools.jpg 1
"$PIXPOOL" info tools/tools.jpg | grep -q "JPEG 300x451" || fail "not turned: $("$PIXPOOL" info tools/tools.jpg)"

# --strip=gps drops the GPS IFD, in and out; --strip, all of the EXIF.
expect_exit 0 "$PIXPOOL" -q --strip=gps --format tiff in.jpg -o gps-out
expect_exit 0 "$PIXPOOL" -q --strip=gps --format jpeg tools.tif -o gps-in
for f in gps-out/in.tif gps-in/tools.jpg; do
	no_gps $f
	[ "$(tag $f DateTimeOriginal)" = "2021:06:01 12:34:56" ] || fail "$f: --strip=gps took the date"
done
expect_exit 0 "$PIXPOOL" -q --strip --format tiff in.jpg -o all-out
expect_exit 0 "$PIXPOOL" -q --strip --format jpeg tools.tif -o all-in
for f in all-out/in.tif all-in/tools.jpg; do
	no_gps $f
	[ -z "$(tag $f Make)$(tag $f DateTimeOriginal)$(tag $f ExposureTime)" ] || fail "$f: --strip kept EXIF"
done

# Forged: the Exif IFD's offset past the end; a value's count so large it
# reaches past the end. Each costs the EXIF, with a warning, and keeps the
# image and its ICC profile.
python3 - <<'PY' || fail "cannot forge the TIFFs"
import struct
d = bytearray(open("tools.tif", "rb").read())
assert d[:4] == b"II*\0"
def entries(at):
    return [at + 2 + 12 * i for i in range(struct.unpack_from("<H", d, at)[0])]
ifd0 = struct.unpack_from("<I", d, 4)[0]
exif = [e for e in entries(ifd0) if struct.unpack_from("<H", d, e)[0] == 0x8769][0]
far = bytearray(d)
struct.pack_into("<I", far, exif + 8, len(d) + 1000)
open("forged-offset.tif", "wb").write(far)
sub = struct.unpack_from("<I", d, exif + 8)[0]
rational = [e for e in entries(sub) if struct.unpack_from("<H", d, e + 2)[0] == 5][0]
huge = bytearray(d)
struct.pack_into("<I", huge, rational + 4, 0x20000000)
open("forged-count.tif", "wb").write(huge)
PY
expect_exit 0 "$PIXPOOL" --no-progress --format jpeg forged-offset.tif forged-count.tif -o forged 2>forged.err
[ "$(count_files forged)" = 2 ] || fail "a forged EXIF cost an image: $(ls forged)"
[ "$(grep -c "warning: .*malformed EXIF (.*past the end), dropped" forged.err)" = 2 ] ||
	fail "warnings: $(cat forged.err)"
for f in forged/forged-offset.jpg forged/forged-count.jpg; do
	[ -z "$(tag $f Make)" ] || fail "$f kept a forged EXIF"
	[ -n "$(tag $f ProfileDescription)" ] || fail "$f: a forged EXIF cost the ICC profile"
done

# Every engine writes the same bytes, the EXIF of either direction and all.
mkdir same
cp in.jpg tools.tif forged-count.tif same/ && cp tif/in.tif same/pixpool.tif || fail "cp"
same_on_every_engine --format tiff -f resize:width=200 same
