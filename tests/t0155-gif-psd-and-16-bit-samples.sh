# GIF and PSD are read and written as PNG: an animated GIF gives its first
# frame, pixel for pixel as Pillow reads it, and the manifest counts its
# frames; a PSD gives its composite, exact, at 8 and 16 bits; 16-bit samples
# (PSD and PNG) are rounded to the nearest 8-bit one, round(v * 255 / 65535),
# never cut to their high byte. A GIF or PSD cut short, one over
# --max-pixels, and a PSD coded in a way stb cannot read each fail with the
# reason. Every engine writes the same bytes.
. "$(dirname "$0")/lib.sh"

mkdir in
export TOP
python3 - <<'EOF' || fail "Pillow could not make the GIF"
import os
from PIL import Image
im = Image.open(os.environ["TOP"] + "/tests/data/chelsea.png").convert("RGB")
frames = [im.rotate(a) for a in (0, 15, 30)]
frames[0].save("in/anim.gif", save_all=True, append_images=frames[1:], duration=100, loop=0)
EOF
convert "$TOP/tests/data/chelsea.png" in/chelsea.psd
convert -size 40x30 gradient:'#1234f6-#fe0c3a' -depth 16 wide.ppm
convert wide.ppm -compress none in/wide-psd.psd
convert wide.ppm PNG48:in/wide-png.png
python3 -c 'import sys; from PIL import Image; assert Image.open("in/anim.gif").n_frames == 3' ||
	fail "the GIF does not hold 3 frames"
head -c 2000 in/anim.gif >in/cut-gif.gif
head -c 2000 in/chelsea.psd >in/cut-psd.psd
# A 16-bit PSD with its composite compressed with RLE: stb would read it as 8-bit.
python3 - <<'EOF'
import struct
w, h = 4, 2
rows = b"".join(struct.pack(">H", 6) for _ in range(3 * h))
body = b"".join(b"\x05" + bytes(6) for _ in range(3 * h))
head = b"8BPS" + struct.pack(">H6xHIIHH", 1, 3, h, w, 16, 3) + bytes(12)
open("in/rle16.psd", "wb").write(head + struct.pack(">H", 1) + rows + body)
EOF

expect_exit 1 "$PIXPOOL" -v in -o out --manifest m.csv 2>err
grep -q "^pixpool: in/cut-gif.gif: cannot decode: truncated GIF$" err || fail "cut GIF: $(cat err)"
grep -q "^pixpool: in/cut-psd.psd: cannot decode: truncated PSD$" err || fail "cut PSD: $(cat err)"
grep -q "^pixpool: in/rle16.psd: cannot decode: PSD with 16-bit samples compressed with RLE, which pixpool does not read$" err ||
	fail "16-bit RLE PSD: $(cat err)"
grep -q "^ok  anim.gif .*, first of 3 frames$" err || fail "-v: frames not told: $(cat err)"
grep -q "^ok  wide-png.png .*, 16-bit samples rounded to 8$" err || fail "-v: 16 bits not told: $(cat err)"
grep -q "^  first frame only of 1 animated image; samples over 8 bits rounded to 8 in 2 images$" err ||
	fail "summary: $(cat err)"
[ "$(ls out | sort | tr '\n' ' ')" = "anim.png chelsea.png wide-png.png wide-psd.png " ] ||
	fail "outputs: $(ls out)"
# input,status,input_channels,input_bits,input_pages
got=$(tail -n +2 m.csv | cut -d, -f1,3,8,9,10 | sort | tr '\n' ' ')
want="in/anim.gif,ok,4,8,3 in/chelsea.psd,ok,3,8,1 in/cut-gif.gif,failed,0,0,0 in/cut-psd.psd,failed,0,0,0 in/rle16.psd,failed,0,0,0 in/wide-png.png,ok,3,16,1 in/wide-psd.psd,ok,3,16,1 "
[ "$got" = "$want" ] || fail "manifest: $got"

python3 - <<'EOF' || fail "pixels differ from the references"
import os
from PIL import Image
top = os.environ["TOP"]
gif = Image.open("in/anim.gif")
gif.seek(0)
assert Image.open("out/anim.png").convert("RGB").tobytes() == gif.convert("RGB").tobytes(), "GIF"
src = Image.open(top + "/tests/data/chelsea.png").convert("RGB").tobytes()
assert Image.open("out/chelsea.png").tobytes() == src, "PSD"
raw = open("wide.ppm", "rb").read().split(b"\n", 3)[3]
wide = [raw[i] << 8 | raw[i + 1] for i in range(0, len(raw), 2)]
rounded = bytes(round(v * 255 / 65535) for v in wide)
assert rounded != bytes(v >> 8 for v in wide), "rounding and cutting agree: no test"
for name in ("wide-psd", "wide-png"):
    assert Image.open("out/%s.png" % name).tobytes() == rounded, name
EOF

"$PIXPOOL" info in/anim.gif in/wide-psd.psd >info || fail "info failed"
grep -q "^in/anim.gif: GIF 451x300, 4 channels, 3 frames (the first is read), " info || fail "info: $(cat info)"
grep -q "^in/wide-psd.psd: PSD 40x30, 3 channels, 16-bit samples (read as 8), " info || fail "info: $(cat info)"

# Over the limit: refused by name before decoding.
expect_exit 1 "$PIXPOOL" --max-pixels 0.1 in/anim.gif in/chelsea.psd -o big 2>err
grep -q "^pixpool: in/anim.gif: .*GIF larger than the limit: 451x300" err || fail "GIF limit: $(cat err)"
grep -q "^pixpool: in/chelsea.psd: .*PSD larger than the limit: 451x300" err || fail "PSD limit: $(cat err)"

rm in/cut-* in/rle16.psd
"$PIXPOOL" -b serial in -o serial 2>/dev/null || fail "serial run failed"
for b in "process --channel pipe" "process --channel shm" openmp; do
	set -- $b
	backend_wanted $1 || continue
	rm -rf again
	"$PIXPOOL" -j 2 -b $b in -o again 2>/dev/null || fail "$b: run failed"
	same_tree serial again
done
exit 0
