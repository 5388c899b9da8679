# A phone and camera folder as it comes: JPEGs, an animated GIF, PSDs, a
# 16-bit PNG, photos in formats pixpool does not read (JPEG XL by name and by
# bytes, JPEG 2000, a Sigma X3F, and HEIC and camera RAW names, which may
# come to be read), a truncated JPEG, sidecars and a hidden file. Every
# photo is a task: the ones pixpool cannot read fail with the format named,
# the summary tells them from the broken ones and from the files that are
# not images, -v and --dry-run name every file passed over and why (names
# escaped), info counts them by kind, and the exit status is 1.
. "$(dirname "$0")/lib.sh"

mkdir -p in/DCIM
cp "$SAMPLES"/jpeg/*.jpg in/DCIM/
python3 - <<'EOF' || fail "Pillow could not make the GIF and PNG"
from PIL import Image
im = Image.open("in/DCIM/rocket.jpg").convert("RGB").resize((160, 107))
frames = [im.rotate(a) for a in (0, 10, 20)]
frames[0].save("in/DCIM/burst.gif", save_all=True, append_images=frames[1:], duration=80)
g = Image.new("I;16", (64, 48))
g.putdata([(i * 997 + 200) % 65536 for i in range(64 * 48)])
g.save("in/scan16.png")
EOF
convert "$SAMPLES"/png/chelsea.png in/layers.psd
convert "$SAMPLES"/png/chelsea.png -depth 16 -compress none in/layers16.psd
head -c 20000 "$SAMPLES"/jpeg/retina.jpg >in/DCIM/cut.jpg
# A frame header of height 0: broken before its first pixel.
printf '\377\330\377\300\000\021\010\000\000\000\020\003\001\021\000\002\021\000\003\021\000' >in/DCIM/bad.jpg
printf 'not a jpeg xl' >in/DCIM/junk.jxl
printf '\377\012\372\000 codestream' >in/DCIM/IMG_0001
printf '\000\000\000\014jP  \r\n\207\n rest' >in/scan.jp2
printf 'FOVb sigma' >in/DSC_0001.X3F
printf 'junk' >in/IMG_0002.HEIC
printf 'junk' >in/DSC_0003.cr2
printf 'junk' >in/DSC_0004.NEF
printf 'junk' >in/DSC_0005.dng
echo '<x:xmpmeta/>' >in/DSC_0003.xmp
echo 'notes' >in/notes.txt
echo '{}' >in/DCIM/album.json
echo 'adjust' >in/DCIM/IMG_0001.aae
echo 'x' >"in/odd$(printf '\033')[2Jname.txt"
echo 'x' >in/.DS_Store

photos=17		# 3 JPEG, GIF, 2 PSD, PNG, 2 broken JPEG, 3 JPEG XL or 2000, X3F, HEIC, 3 RAW
not_read=4		# junk.jxl, IMG_0001, scan.jp2, DSC_0001.X3F: no one is adding these
expect_exit 1 "$PIXPOOL" -v -j 2 in -o out --manifest m.csv 2>err

# The summary: the failed split, the files that are not images apart.
line=$(grep '^pixpool: [0-9]* images:' err)
# The HEIC and RAW names may come to be read (and then fail as broken files),
# so how many are "not read" is read from the manifest's reasons.
n=$(grep -c 'not a format pixpool reads' m.csv)
[ "$n" -ge $not_read ] || fail "only $n photos failed as not read: $(cat m.csv)"
echo "$line" | grep -q "^pixpool: $photos images: 7 ok, 10 failed ($n in formats pixpool does not read); skipped 5 non-image files, 1 hidden, 0 links, 0 not walked$" ||
	fail "summary: $line"
grep -q "^  first frame only of 1 animated image; samples over 8 bits rounded to 8 in 2 images$" err ||
	fail "reduced: $(cat err)"

# Each photo not read fails with its format named.
for case in "DCIM/junk.jxl:JPEG XL" "DCIM/IMG_0001:JPEG XL" "scan.jp2:JPEG 2000" "DSC_0001.X3F:camera RAW"; do
	file=${case%%:*} format=${case#*:}
	grep -q "^pixpool: in/$file: $format: not a format pixpool reads$" err || fail "$file: $(cat err)"
	[ "$(status_of m.csv "in/$file,")" = failed ] || fail "$file: not failed"
done
for file in IMG_0002.HEIC DSC_0003.cr2 DSC_0004.NEF DSC_0005.dng DCIM/cut.jpg DCIM/bad.jpg; do
	[ "$(grep -c "^pixpool: in/$file: " err)" = 1 ] || fail "$file: not reported once: $(cat err)"
	[ "$(status_of m.csv "in/$file,")" = failed ] || fail "$file: not failed"
done
[ "$(tail -n +2 m.csv | wc -l | tr -d ' ')" = $photos ] || fail "not one row per photo"
[ "$(grep -c ',ok,' m.csv)" = 7 ] || fail "not 7 written: $(cat m.csv)"
# input,status,input_bits,input_pages of what was read
got=$(grep ',ok,' m.csv | cut -d, -f1,3,9,10 | sort | tr '\n' ' ')
want="in/DCIM/burst.gif,ok,8,3 in/DCIM/hubble_deep_field.jpg,ok,8,1 in/DCIM/retina.jpg,ok,8,1 in/DCIM/rocket.jpg,ok,8,1 in/layers.psd,ok,8,1 in/layers16.psd,ok,16,1 in/scan16.png,ok,16,1 "
[ "$got" = "$want" ] || fail "manifest bits and pages: $got"

# -v names every file passed over, with why, escaped.
for case in "in/DSC_0003.xmp:not an image" "in/notes.txt:not an image" \
	    "in/DCIM/album.json:not an image" "in/DCIM/IMG_0001.aae:not an image" \
	    "in/.DS_Store:hidden"; do
	grep -qx "skipped  ${case%%:*}: ${case#*:}" err || fail "-v: ${case%%:*}: $(cat err)"
done
grep -q '^skipped  in/odd\\x1b\[2Jname.txt: not an image$' err || fail "-v: name not escaped: $(cat -v err)"
! grep -q "$(printf '\033')" err || fail "an escape reached stderr"
[ "$(grep -c '^skipped  ' err)" = 6 ] || fail "-v: not 6 files passed over: $(cat err)"

# --dry-run lists the same, and the same refusals.
expect_exit 1 "$PIXPOOL" --dry-run in -o dry >dry.out 2>dry.err
[ ! -e dry ] || fail "--dry-run made the output folder"
grep -qx "in/notes.txt: skipped: not an image" dry.out || fail "dry run: $(cat dry.out)"
grep -qx "in/.DS_Store: skipped: hidden" dry.out || fail "dry run: $(cat dry.out)"
grep -q '^in/odd\\x1b\[2Jname.txt: skipped: not an image$' dry.out || fail "dry run: name not escaped"
[ "$(grep -c ': skipped: ' dry.out)" = 6 ] || fail "dry run: not 6 passed over: $(cat dry.out)"
grep -qx "in/scan.jp2: refused: JPEG 2000: not a format pixpool reads" dry.out || fail "dry run: $(cat dry.out)"
grep -q "^pixpool: dry run: 8 images would be written, 9 refused ($n in formats pixpool does not read)" dry.err ||
	fail "dry run summary: $(cat dry.err)"
# (the truncated JPEG is told only when read: a dry run reads headers alone)

# info counts by format, the unreadable by kind, the rest apart.
"$PIXPOOL" info in >info || fail "info failed"
grep -qx "  GIF: 1 image, 0.0 MP" info || fail "info: GIF: $(cat info)"
grep -q "^  PSD: 2 images" info || fail "info: PSD: $(cat info)"
grep -q "^  skipped: 5 non-image files, 1 hidden, 0 links, 0 not walked; [0-9]* images refused$" info ||
	fail "info: skipped: $(cat info)"
unreadable=$(grep '^  unreadable: ' info)
for kind in "JPEG XL 2" "JPEG 2000 1" "broken JPEG 1"; do
	echo "$unreadable" | grep -q "[(, ]$kind[,)]" || fail "info: not $kind: $unreadable"
done
# A file named: its format said.
expect_exit 1 "$PIXPOOL" info in/scan.jp2 2>one.err
grep -qx "pixpool: in/scan.jp2: JPEG 2000: not a format pixpool reads" one.err || fail "info file: $(cat one.err)"
exit 0
