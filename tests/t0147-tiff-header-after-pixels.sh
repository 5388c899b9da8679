# libtiff writes a TIFF's IFD0, which holds its size, after the pixels: a
# 24 MP photo of 16 bits has it 144 MB in. Such a TIFF past the 64 MiB a
# header is otherwise looked for in is still read, to the same pixels as
# the same photo with IFD0 first; the parent reads its size from around
# IFD0 (info gives it from a file whose IFD0 is past the first MiB), so
# memory admission counts its real size and two such photos run side by
# side; a TIFF whose IFD0 points past the end fails, named, with the rest
# written.
. "$(dirname "$0")/lib.sh"

mkdir in small
# 5200x4400 RGB of 8 bits, uncompressed: 68.6 MB, IFD0 at its end.
"$PIXPOOL" -q -f resize:size=5200x4400! --format tiff --tiff-compression none \
	"$TOP/tests/data/chelsea.png" -o big || fail "cannot make the large TIFF"
"$PIXPOOL" -q -f resize:size=1200x800! --format tiff --tiff-compression none \
	"$TOP/tests/data/chelsea.png" -o small || fail "cannot make the small TIFF"
for f in big/chelsea.tif small/chelsea.tif; do
	python3 - "$f" <<'PY' || fail "$f: IFD0 is not after the pixels"
import struct, sys, os
d = open(sys.argv[1], "rb").read(8)
at = struct.unpack("<I" if d[:2] == b"II" else ">I", d[4:8])[0]
assert at > os.path.getsize(sys.argv[1]) - 65536 and at > (1 << 20), at
PY
done
cp big/chelsea.tif in/a.tif
cp big/chelsea.tif in/b.tif
# The same pixels with IFD0 first (tiffcp writes it there), to compare with.
python3 - big/chelsea.tif first.tif <<'PY' || fail "cannot rewrite the TIFF with IFD0 first"
import sys
from PIL import Image
Image.open(sys.argv[1]).save(sys.argv[2])
PY
python3 -c "
import struct; d = open('first.tif', 'rb').read(8)
assert struct.unpack('<I', d[4:8])[0] < 4096" || fail "Pillow did not put IFD0 first"

# The parent's view: the size from around IFD0, not a guess from the file's size.
"$PIXPOOL" info small/chelsea.tif in/a.tif >info.txt || fail "info: $(cat info.txt)"
grep -q "small/chelsea.tif: TIFF 1200x800, 3 channels" info.txt || fail "info small: $(cat info.txt)"
grep -q "in/a.tif: TIFF 5200x4400, 3 channels" info.txt || fail "info big: $(cat info.txt)"
"$PIXPOOL" info small in >census.txt || fail "info census: $(cat census.txt)"
! grep -qi "unsized\|size unknown" census.txt || fail "census: $(cat census.txt)"

# Read, on every engine, to the bytes the IFD0-first copy gives.
expect_exit 0 "$PIXPOOL" -q -j 2 -f thumbnail:size=300 --format png first.tif -o ref
same_on_every_engine -f thumbnail:size=300 --format png in
for d in same-*; do
	for f in a b; do
		cmp "$d/$f.png" ref/first.png || fail "$d/$f: not the pixels of the IFD0-first copy"
	done
done

# Memory admission counts 23 MP each, not the 274 MP four pixels a byte would guess:
# with room for two such photos, both run at once, one on each worker.
engine=process
backend_wanted process || engine=openmp
"$PIXPOOL" -q -e $engine -j 2 --mem-limit 900M -f thumbnail:size=300 in -o adm --manifest adm.json ||
	fail "admission run failed"
python3 - adm.json <<'PY' || fail "the two photos did not run side by side"
import json, sys
rows = json.load(open(sys.argv[1]))["images"]
assert len(rows) == 2 and all(r["status"] == "ok" for r in rows), rows
(s0, e0), (s1, e1) = sorted((r["start_ms"], r["start_ms"] + r["total_ms"]) for r in rows)
assert s1 < e0, f"one after the other: {s0:.0f}..{e0:.0f} ms, then {s1:.0f}..{e1:.0f} ms"
PY

# IFD0 past the end of the file: named, and the other photo written.
mkdir bad
cp small/chelsea.tif bad/fine.tif
python3 - small/chelsea.tif bad/lost.tif <<'PY' || fail "cannot forge the TIFF"
import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[4:8] = (len(d) + 1000).to_bytes(4, "little")
open(sys.argv[2], "wb").write(d)
PY
expect_exit 1 "$PIXPOOL" -q bad -o bad-out 2>bad.err
grep -q "bad/lost.tif: cannot decode: truncated TIFF" bad.err || fail "lost: $(cat bad.err)"
[ -s bad-out/fine.tif ] && [ "$(count_files bad-out)" = 1 ] || fail "wrote: $(find bad-out -type f)"
