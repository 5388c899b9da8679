# JPEG and PNG outputs carry the input's EXIF, XMP and ICC profile (checked
# by exiftool and Pillow, not pixpool's own parser), made true: upright,
# the new size, no stale thumbnail. --strip drops exactly what it names,
# and malformed metadata costs only itself, never the image.
. "$(dirname "$0")/lib.sh"
MAKE="python3 $TOP/tests/make-meta.py"
command -v exiftool >/dev/null || fail "exiftool missing (libimage-exiftool-perl)"
python3 -c "import PIL" 2>/dev/null || fail "Pillow missing (python3-pil)"

# Bases without metadata of their own, so the test's parts are the only ones.
expect_exit 0 "$PIXPOOL" -q --strip "$SAMPLES/jpeg/rocket.jpg" "$SAMPLES/png/chelsea.png" -o base
tag() { exiftool -s -s -s "-$2" "$1"; }

for order in II MM; do
	for icc in 3000 150000; do
		$MAKE base/rocket.jpg in.jpg --order $order --icc-bytes $icc || fail "make jpg"
		$MAKE base/chelsea.png in.png --order $order --icc-bytes $icc --size 451x300 || fail "make png"
		rm -rf out
		expect_exit 0 "$PIXPOOL" -q -f resize:width=200 in.jpg in.png -o out
		for f in out/in.jpg out/in.png; do
			[ "$(tag $f Make)" = PixCam ] || fail "$f Make: $(tag $f Make)"
			[ "$(tag $f Model)" = "Model Seven" ] || fail "$f Model"
			[ "$(tag $f DateTimeOriginal)" = "2021:06:01 12:34:56" ] || fail "$f date"
			[ "$(tag $f Copyright)" = "(c) A. Photographer" ] || fail "$f Copyright"
			tag $f GPSLatitude | grep -q "48 deg 51" || fail "$f GPS"
			[ "$(tag $f ExifImageWidth)" = 200 ] || fail "$f PixelXDimension"
			[ -z "$(tag $f ThumbnailLength)" ] || fail "$f kept a stale thumbnail"
			[ "$(tag $f XMP:Rating)" = 4 ] || fail "$f XMP"
			exiftool -b -ICC_Profile $f >icc.out
			cmp -s icc.out in.jpg.icc || fail "$f ICC ($icc bytes, $order) differs"
			python3 -c "import sys; from PIL import Image; sys.exit(Image.open('$f').info.get('icc_profile') != open('in.jpg.icc','rb').read())" ||
				fail "$f: Pillow reads another ICC profile"
		done
	done
done

# Every orientation comes out upright, with Orientation 1.
python3 -c "
from PIL import Image
u = Image.new('RGB', (64, 40))
u.putdata([(x * 4, y * 6, 128 if x < 32 else 0) for y in range(40) for x in range(64)])
u.save('upright.png')
inverse = {2: [0], 3: [3], 4: [1], 5: [5], 6: [2], 7: [6], 8: [4]}
for k in range(1, 9):
    s = u
    for t in inverse.get(k, []):
        s = s.transpose(t)
    s.save('o%d.png' % k)
" || fail "make orientations"
for k in 1 2 3 4 5 6 7 8; do
	expect_exit 0 "$PIXPOOL" -q --strip --format jpg --quality 100 o$k.png -o ob
	size=$(python3 -c "from PIL import Image; print('%dx%d' % Image.open('ob/o$k.jpg').size)")
	$MAKE ob/o$k.jpg or$k.jpg --orientation $k --size $size || fail "make o$k"
	expect_exit 0 "$PIXPOOL" -q --format png or$k.jpg -o up
	[ "$(exiftool -n -s -s -s -Orientation up/or$k.png)" = 1 ] || fail "orientation $k not 1"
	python3 -c "
from PIL import Image, ImageChops, ImageStat
a = Image.open('up/or$k.png').convert('RGB'); b = Image.open('upright.png')
assert a.size == b.size, a.size
assert max(ImageStat.Stat(ImageChops.difference(a, b)).mean) < 4
" || fail "orientation $k: pixels not upright"
done

# --strip and each --strip= part remove exactly what they say.
$MAKE base/rocket.jpg in.jpg || fail "make jpg"
strip() { rm -rf s; expect_exit 0 "$PIXPOOL" -q "$@" in.jpg -o s; }
strip --strip
[ -z "$(exiftool -s -s -s -Make -XMP:Rating -ProfileDescription s/in.jpg)" ] || fail "--strip kept some"
strip --strip=exif
[ -z "$(tag s/in.jpg Make)" ] && [ "$(tag s/in.jpg XMP:Rating)" = 4 ] &&
	[ -n "$(tag s/in.jpg ProfileDescription)" ] || fail "--strip=exif"
strip --strip=xmp
[ -z "$(tag s/in.jpg XMP:Rating)" ] && [ "$(tag s/in.jpg Make)" = PixCam ] &&
	[ -n "$(tag s/in.jpg ProfileDescription)" ] || fail "--strip=xmp"
strip --strip=icc
[ -z "$(tag s/in.jpg ProfileDescription)" ] && [ "$(tag s/in.jpg Make)" = PixCam ] &&
	[ "$(tag s/in.jpg XMP:Rating)" = 4 ] || fail "--strip=icc"
strip --strip=gps
[ -z "$(tag s/in.jpg GPSLatitude)" ] && [ "$(tag s/in.jpg Make)" = PixCam ] &&
	[ "$(tag s/in.jpg DateTimeOriginal)" = "2021:06:01 12:34:56" ] || fail "--strip=gps"
grep -c "48/1" s/in.jpg >/dev/null && fail "--strip=gps left the position's bytes"
expect_exit 2 "$PIXPOOL" -q --strip=colour in.jpg -o s

# A grey output keeps no RGB profile (an invalid pairing), the rest of its metadata yes.
expect_exit 0 "$PIXPOOL" -q --strip "$SAMPLES/png/camera.png" -o base
$MAKE base/camera.png grey.png --size 512x512 || fail "make grey"
rm -rf g; expect_exit 0 "$PIXPOOL" -q grey.png -o g 2>/dev/null
[ -z "$(tag g/grey.png ProfileDescription)" ] && [ "$(tag g/grey.png Make)" = PixCam ] ||
	fail "grey image: wrong profile rule"

# Malformed metadata costs the metadata, never the image.
for broken in ifd-loop offset truncate icc-parts; do
	$MAKE base/rocket.jpg bad-$broken.jpg --break $broken || fail "make $broken"
done
rm -rf b; expect_exit 0 "$PIXPOOL" --no-progress bad-*.jpg -o b --manifest b.csv 2>err
[ "$(count_files b)" = 4 ] || fail "a malformed block cost an image"
[ "$(grep -c "warning: .*dropped" err)" = 4 ] || fail "warnings: $(cat err)"
[ -z "$(tag b/bad-ifd-loop.jpg Make)" ] || fail "kept a looping EXIF"
[ "$(tag b/bad-ifd-loop.jpg XMP:Rating)" = 4 ] || fail "a bad EXIF cost the XMP"
grep -q ",changed," b.csv || fail "manifest: $(cat b.csv)"

# The same bytes at every pool size and backend, metadata and all.
for b in serial process openmp; do
	backend_wanted $b || continue
	rm -rf "o-$b"; expect_exit 0 "$PIXPOOL" -q -b $b -j 3 -f resize:width=300 in.jpg bad-*.jpg -o "o-$b"
	[ -d o-ref ] || cp -R "o-$b" o-ref
	same_tree o-ref "o-$b"
done
"$PIXPOOL" info in.jpg | grep -q 'camera "PixCam Model Seven".*GPS yes.*ICC "Test Wide RGB" 3000 bytes; XMP' ||
	fail "info: $("$PIXPOOL" info in.jpg)"
