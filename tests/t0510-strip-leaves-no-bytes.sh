# What --strip=gps removes and what a changed image's stale thumbnail loses
# are gone from the output's bytes, not only unlinked: the thumbnail when
# other EXIF data follows it, every GPS IFD when IFD0 points at two, GPS
# data no pointer reaches, and positions in XMP in any namespace, as
# elements and as attributes, the packet left as XML that exiftool reads.
# Outputs are carved for the input's bytes; exiftool and python's XML
# parser read the rest.
. "$(dirname "$0")/lib.sh"
MAKE="python3 $TOP/tests/make-meta.py"
command -v exiftool >/dev/null || fail "exiftool missing (libimage-exiftool-perl)"
tag() { exiftool -s -s -s "-$2" "$1"; }

# carve FILE KIND...: fails when FILE holds, as bytes, the input's
# thumbnail, its GPS positions (EXIF rationals in either byte order) or its
# XMP position values, for KIND thumbnail, gps and xmp.
carve() {
	python3 - "$@" <<'PY' || fail "$1 still holds: $(cat carved)"
import importlib.util, struct, sys
spec = importlib.util.spec_from_file_location("meta", sys.argv[2])
kinds = sys.argv[3:]
meta = importlib.util.module_from_spec(spec); spec.loader.exec_module(meta)
data = open(sys.argv[1], "rb").read()
needles = {"thumbnail": meta.THUMB[2:40]} if "thumbnail" in kinds else {}
for name, pos in (("Paris", meta.PARIS), ("Tokyo", meta.TOKYO)):
    for bo in "<>" if "gps" in kinds else "":
        needles["%s %s" % (name, bo)] = b"".join(struct.pack(bo + "II", a, b) for a, b in pos)
for v in meta.XMP_POSITION_VALUES if "xmp" in kinds else []:
    needles[v.decode()] = v
found = [k for k, v in needles.items() if v in data]
open("carved", "w").write(" ".join(found))
sys.exit(1 if found else 0)
PY
}
carve_for() { carve "$1" "$TOP/tests/make-meta.py" $2; }

expect_exit 0 "$PIXPOOL" -q --strip "$SAMPLES/jpeg/rocket.jpg" "$SAMPLES/png/chelsea.png" -o base
make_pair() {	# NAME OPTIONS...: NAME.jpg and NAME.png
	name=$1; shift
	$MAKE base/rocket.jpg "$name.jpg" "$@" || fail "make $name.jpg"
	$MAKE base/chelsea.png "$name.png" --size 451x300 "$@" || fail "make $name.png"
}

for order in II MM; do
	# A thumbnail with the Exif and GPS IFDs after it: pixelated outputs keep neither it
	# nor its IFD, and keep the rest.
	make_pair thumb-$order --order $order --layout thumbnail-first
	rm -rf p; expect_exit 0 "$PIXPOOL" -q -f pixelate:size=4 thumb-$order.jpg thumb-$order.png -o p
	for f in p/thumb-$order.jpg p/thumb-$order.png; do
		carve_for "$f" thumbnail
		[ -z "$(tag $f ThumbnailLength)" ] || fail "$f: exiftool reads a thumbnail"
		[ "$(tag $f DateTimeOriginal)" = "2021:06:01 12:34:56" ] || fail "$f lost the Exif IFD"
		tag $f GPSLatitude | grep -q "48 deg 51" || fail "$f lost the GPS it was to keep"
	done

	# Two GPS pointers in IFD0; GPS data that no pointer reaches.
	for gps in twice loose; do
		make_pair gps-$gps-$order --order $order --gps $gps
		rm -rf s; expect_exit 0 "$PIXPOOL" -q --strip=gps gps-$gps-$order.jpg gps-$gps-$order.png -o s
		for f in s/gps-$gps-$order.jpg s/gps-$gps-$order.png; do
			carve_for "$f" gps
			[ -z "$(exiftool -s -s -s -GPS:all "$f")" ] || fail "$f: exiftool reads GPS"
			[ "$(tag $f Make)" = PixCam ] && [ "$(tag $f Copyright)" = "(c) A. Photographer" ] ||
				fail "$f lost the rest of its EXIF"
			[ "$(tag $f ThumbnailLength)" = 508 ] || fail "$f lost the thumbnail it was to keep"
		done
	done
done

# Positions in XMP: exif:, drone-dji: (attributes, either quote) and Camera: (a
# nested element) go; the rest stays, and the packet stays XML.
make_pair xmp --xmp positions
rm -rf x; expect_exit 0 "$PIXPOOL" -q --strip=gps xmp.jpg xmp.png -o x
for f in x/xmp.jpg x/xmp.png; do
	carve_for "$f" "gps xmp"
	exiftool -b -XMP "$f" >packet.xml
	python3 -c "import xml.dom.minidom, sys; xml.dom.minidom.parse('packet.xml')" ||
		fail "$f: the XMP left is not XML"
	[ -z "$(exiftool -s -s -s -XMP:GPS\* -XMP:\*Altitude -XMP:GpsLatitude -XMP:GpsLongitude "$f")" ] ||
		fail "$f: exiftool reads a position in the XMP"
	[ "$(tag $f XMP:Rating)" = 4 ] && [ "$(tag $f XMP:Label)" = "over > under" ] &&
		[ "$(tag $f XMP:Subject)" = harbour ] && [ "$(tag $f XMP:FlightYawDegree)" = "+12.50" ] ||
		fail "$f lost XMP that is no position: $(exiftool -s -XMP:all "$f")"
done

# Nothing stripped, nothing changed: the packet goes out byte for byte.
rm -rf k; expect_exit 0 "$PIXPOOL" -q xmp.jpg -o k
exiftool -b -XMP k/xmp.jpg >kept.xml
cmp -s kept.xml xmp.jpg.xmp || fail "an XMP packet changed with nothing stripped"
