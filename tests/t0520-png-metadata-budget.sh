# A small PNG of many iCCP and compressed iTXt chunks, each inflating past
# its bound, costs one inflate of each kind, not one a chunk: the run
# finishes, the image is written, and its metadata is dropped with a
# warning that says so (the pixels are sound; only the metadata is over
# its bound). A kind that failed is not tried again, so the sound profile
# and packet after the bombs are not carried either. The count of bytes
# inflated is test_meta's to assert.
. "$(dirname "$0")/lib.sh"
command -v exiftool >/dev/null || fail "exiftool missing (libimage-exiftool-perl)"
python3 - <<'PY' || fail "make bomb.png"
import struct, zlib
def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
rows = b"".join(b"\0" + b"".join(bytes((x * 4, y * 6, 90)) for x in range(64)) for y in range(40))
ihdr = struct.pack(">IIBBBBB", 64, 40, 8, 2, 0, 0, 0)
icc = zlib.compress(b"\0" * (17 << 20), 9)
xmp = zlib.compress(b" " * (2 << 20), 9)
meta = b"".join(chunk(b"iCCP", b"p\0\0" + icc) + chunk(b"iTXt", b"XML:com.adobe.xmp\0\1\0\0\0" + xmp)
                for _ in range(120))
# A sound profile and packet after them, which a reader that tried every chunk would take.
prof = (struct.pack(">I", 200) + b"pxpl" + b"\x04\x30\0\0" + b"mntrRGB XYZ ").ljust(36, b"\0") + b"acsp"
meta += chunk(b"iCCP", b"late\0\0" + zlib.compress(prof.ljust(200, b"\0")))
meta += chunk(b"iTXt", b"XML:com.adobe.xmp\0\1\0\0\0" + zlib.compress(
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:Rating="3"/></rdf:RDF></x:xmpmeta>'))
png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + meta + chunk(b"IDAT", zlib.compress(rows))
       + chunk(b"IEND", b""))
open("bomb.png", "wb").write(png)
PY
[ "$(wc -c <bomb.png)" -gt 2000000 ] || fail "bomb.png is too small to show anything"
expect_exit 0 "$PIXPOOL" --no-progress bomb.png -o out --manifest m.csv 2>err
[ -s out/bomb.png ] || fail "the image was not written"
grep -q "warning: .*bomb.png.*dropped" err || fail "no warning: $(cat err)"
grep -q ",dropped," m.csv || fail "manifest: $(cat m.csv)"
[ -z "$(exiftool -s -s -s -ICC_Profile:all -XMP:all out/bomb.png)" ] ||
	fail "the output carries metadata that was over its bound"
