# --profile converts each image's colours from its embedded ICC profile:
# Adobe RGB and ProPhoto photos (PNG, JPEG quality 100, RGBA), made here
# with Pillow's ImageCms from a sample, come out in sRGB within a mean
# CIEDE2000 of 0.5 of ImageCms's own conversion (both lcms2), with lcms2's
# sRGB profile embedded (none with --strip, the same pixels); untagged
# images come out byte for byte as without --profile; --profile FILE
# converts to Adobe RGB and embeds it, and back to sRGB round-trips; an
# unusable profile costs a warning, not the image; every engine writes the
# same bytes; --strip without --profile warns of a wide-gamut profile
# dropped unconverted, and not of an sRGB one; --skip-existing knows the
# profile and intent an output folder was made with.
. "$(dirname "$0")/lib.sh"
need_backend serial process openmp
COLOUR="python3 $TOP/tests/colour.py"
ADOBE=/usr/share/color/icc/colord/AdobeRGB1998.icc
[ -r "$ADOBE" ] || fail "$ADOBE missing (colord-data)"

mkdir -p in/jpg
$COLOUR make "$SAMPLES/png/chelsea.png" in || fail "cannot make the test photos"
mv in/*.jpg in/jpg/
expect_exit 0 "$PIXPOOL" -q -e serial --format png in -o decoded

# The conversion, against ImageCms's from the same decoded pixels.
expect_exit 0 "$PIXPOOL" -q -e serial --profile srgb --format png in -o srgb --manifest m.csv
for f in adobe adobe-alpha prophoto jpg/adobe jpg/prophoto; do
	$COLOUR compare "srgb/$f.png" "decoded/$f.png" relative 0.5 || fail "$f: not ImageCms's sRGB"
	$COLOUR delta "srgb/$f.png" "decoded/$f.png" 100 >delta || fail "$f: cannot compare"
	awk '{ exit !($(NF - 2) + 0 > 2) }' delta || fail "$f: hardly converted: $(cat delta)"
	[ "$($COLOUR description "srgb/$f.png")" = "sRGB built-in" ] ||
		fail "$f: embeds $($COLOUR description "srgb/$f.png"), not lcms2's sRGB"
done
[ "$(status_of m.csv prophoto.png | head -n 1)" = ok ] || fail "prophoto.png not ok"
grep -q '^in/jpg/prophoto.jpg,.*,ProPhoto RGB -> sRGB$' m.csv ||
	fail "the manifest does not say what prophoto.jpg was converted from: $(grep prophoto.jpg m.csv)"
grep -q '^in/untagged.png,.*,$' m.csv || fail "the manifest has a conversion for untagged.png"

# A JPEG output carries the profile too (APP2).
expect_exit 0 "$PIXPOOL" -q -e serial --profile srgb in/jpg/prophoto.jpg -o jpeg
[ "$($COLOUR description jpeg/prophoto.jpg)" = "sRGB built-in" ] ||
	fail "a JPEG output embeds $($COLOUR description jpeg/prophoto.jpg), not lcms2's sRGB"

# Untagged: taken as sRGB and left alone, byte for byte.
cmp -s srgb/untagged.png decoded/untagged.png || fail "untagged.png changed under --profile srgb"

# The conversion comes before the flatten: --background is laid in sRGB, as
# given (CSS maroon, #800000, which would be 150,0,0 if converted with the
# pixels), where alpha is 0 (adobe-alpha.png's first column).
expect_exit 0 "$PIXPOOL" -q -e serial --profile srgb --background maroon --format pnm \
	in/adobe-alpha.png -o flat
python3 -c 'import sys; from PIL import Image
sys.exit(Image.open("flat/adobe-alpha.pnm").getpixel((0, 7)) != (128, 0, 0))' ||
	fail "--background was converted with the pixels"

# --intent reaches lcms2.
expect_exit 0 "$PIXPOOL" -q -e serial --profile srgb --intent perceptual --format png \
	in/prophoto.png -o perceptual
$COLOUR compare perceptual/prophoto.png decoded/prophoto.png perceptual 0.5 ||
	fail "--intent perceptual: not ImageCms's"

# --strip: the same pixels, no profile.
expect_exit 0 "$PIXPOOL" -q -e serial --profile srgb --strip --format png in/adobe.png -o stripped
[ "$($COLOUR description stripped/adobe.png)" = none ] || fail "--strip left a profile"
$COLOUR delta stripped/adobe.png srgb/adobe.png 0 >/dev/null || fail "--strip changed the pixels"

# --profile FILE: to Adobe RGB, embedded, and back.
expect_exit 0 "$PIXPOOL" -q -e serial --profile "$ADOBE" --format png srgb -o adobe
[ "$($COLOUR description adobe/adobe.png)" = "Compatible with Adobe RGB (1998)" ] ||
	fail "--profile FILE embeds $($COLOUR description adobe/adobe.png)"
cmp -s adobe/untagged.png srgb/untagged.png && fail "an untagged image was not converted to Adobe RGB"
expect_exit 0 "$PIXPOOL" -q -e serial --profile srgb --format png adobe -o back
for f in adobe prophoto jpg/adobe untagged; do
	$COLOUR delta "back/$f.png" "srgb/$f.png" 0.5 || fail "$f: no round trip through Adobe RGB"
done

# An unusable profile: a warning naming the file, the pixels as they were.
expect_exit 0 "$PIXPOOL" -e serial --profile srgb --format png in/broken.png -o broken 2>err
grep -q "^pixpool: warning: in/broken.png: unusable ICC profile (malformed: .*), pixels taken as sRGB$" err ||
	fail "no warning for broken.png: $(cat err)"
$COLOUR delta broken/broken.png decoded/broken.png 0 >/dev/null || fail "broken.png's pixels changed"
[ "$($COLOUR description broken/broken.png)" = "sRGB built-in" ] || fail "broken.png: not tagged sRGB"

# Every engine, every channel: the same bytes.
for run in "process --channel pipe" "process --channel shm" openmp; do
	backend_wanted "${run%% *}" || continue
	dir=$(echo "$run" | tr -d ' -')
	expect_exit 0 "$PIXPOOL" -q -e $run -j 2 --profile srgb --format png in -o "$dir"
	same_tree srgb "$dir"
done

# --strip alone: a warning for the wide-gamut profile it drops, none for sRGB.
expect_exit 0 "$PIXPOOL" -e serial --strip in/adobe.png in/srgb.png in/untagged.png -o plain 2>err
grep -q '^pixpool: warning: in/adobe.png: strips the ICC profile "Compatible with Adobe RGB (1998)" without converting its colours; add --profile srgb$' err ||
	fail "--strip: no warning for adobe.png: $(cat err)"
[ "$(grep -c warning err)" = 1 ] || fail "--strip: warnings for sRGB images: $(cat err)"

# The settings record names the profile and the intent: a resume with
# others is refused, naming the one that changed; with the same, it resumes.
expect_exit 0 "$PIXPOOL" -q --profile srgb in -o resume
expect_exit 2 "$PIXPOOL" -q --skip-existing in -o resume 2>err
grep -q "made with profile 'srgb [0-9a-f]*', not none recorded" err ||
	fail "a resume without --profile: $(cat err)"
expect_exit 2 "$PIXPOOL" -q --skip-existing --profile srgb --intent perceptual in -o resume 2>err
grep -q "made with intent 'relative', not 'perceptual'" err || fail "a resume with another intent: $(cat err)"
expect_exit 2 "$PIXPOOL" -q --skip-existing --profile "$ADOBE" in -o resume 2>err
grep -q "made with profile 'srgb [0-9a-f]*', not 'file [0-9a-f]*'" err ||
	fail "a resume with another profile: $(cat err)"
expect_exit 0 "$PIXPOOL" -q --skip-existing --profile srgb --intent relative in -o resume
