# --format changes only the extension, nested folders are mirrored, several
# inputs each get their own folder, and each output really is that format.
. "$(dirname "$0")/lib.sh"

for fmt in png bmp tga pnm jpg avif; do
	# AVIF at its fastest: what is tested here is the format, not its size.
	expect_exit 0 "$PIXPOOL" -q --format $fmt --avif-speed 10 "$SAMPLES" -o out-$fmt
	for f in jpeg/rocket jpeg/retina png/chelsea png/camera; do
		[ -s out-$fmt/$f.$fmt ] || fail "out-$fmt/$f.$fmt missing"
	done
	[ "$(count_files out-$fmt)" = 6 ] || fail "--format $fmt: $(find out-$fmt -type f)"
done
"$PIXPOOL" info out-png/jpeg/rocket.png | grep -q ": PNG 640x427" || fail "not a PNG"
"$PIXPOOL" info out-bmp/png/camera.bmp | grep -q ": BMP 512x512" || fail "not a BMP"
"$PIXPOOL" info out-tga/png/chelsea.tga | grep -q ": TGA 451x300" || fail "not a TGA"
"$PIXPOOL" info out-pnm/png/camera.pnm | grep -q ": PNM 512x512, 1 channel" || fail "not a grey PNM"
"$PIXPOOL" info out-jpg/png/horse.jpg | grep -q ": JPEG 400x328" || fail "not a JPEG"
"$PIXPOOL" info out-avif/png/horse.avif | grep -q ": AVIF 400x328, 4 channels" || fail "not an AVIF"

# Lossless formats keep every pixel of a lossless input: PNG -> BMP -> PNG
# (compared without the metadata, which a BMP does not carry).
expect_exit 0 "$PIXPOOL" -q --format png out-bmp/png -o back
expect_exit 0 "$PIXPOOL" -q --strip --format png "$SAMPLES/png" -o bare
cmp -s back/chelsea.png bare/chelsea.png || fail "PNG -> BMP -> PNG changed pixels"

# Several inputs: each one's tree under its own name; a plain file under its name.
expect_exit 0 "$PIXPOOL" -q "$SAMPLES/jpeg" "$SAMPLES/png" "$SAMPLES/png/horse.png" -o multi
for f in jpeg/rocket.jpg png/camera.png horse.png; do
	[ -s multi/$f ] || fail "multi/$f missing: $(find multi -type f)"
done

# An input named "." or ".." goes under the name of the folder it stands for:
# every output inside -o, none beside it, and "./png" is not a second name for
# "png" (which let one output silently replace another).
mkdir -p dots/photos dots/elsewhere
cp -r "$SAMPLES/jpeg" "$SAMPLES/png" dots/photos/
(cd dots/photos && expect_exit 0 "$PIXPOOL" -q . png -o ../out) || exit 1
[ "$(count_files dots/out)" = 9 ] || fail "'. png' wrote: $(find dots/out -type f)"
[ -s dots/out/photos/png/horse.png ] && [ -s dots/out/png/horse.png ] ||
	fail "'. png' mirrored as: $(find dots/out -type f)"
(cd dots/photos/png && expect_exit 0 "$PIXPOOL" -q .. ../jpeg -o ../../elsewhere/out) || exit 1
[ "$(count_files dots/elsewhere/out)" = 9 ] && [ "$(ls -A dots/elsewhere)" = out ] ||
	fail "'.. ../jpeg' wrote: $(find dots/elsewhere -type f)"
[ -s dots/elsewhere/out/photos/jpeg/rocket.jpg ] || fail "'..' not under its name"
[ "$(count_files dots/photos)" = 6 ] || fail "an output escaped into the inputs: $(find dots/photos -type f)"
# The root has no name to go under: refused alone, the other input still done.
expect_exit 1 "$PIXPOOL" -q / "$SAMPLES/jpeg" -o root 2>root.err
grep -q "^pixpool: /: cannot name its tree" root.err || fail "root: $(cat root.err)"
[ "$(count_files root)" = 3 ] || fail "root: $(find root -type f)"
