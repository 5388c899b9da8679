#!/bin/sh
# An image with alpha written in a format without it (JPEG, PNM) is laid over
# --background, white by default: each sample (a * fg + (255 - a) * bg) / 255,
# correctly rounded. Formats that keep alpha (PNG, BMP, TGA) keep it. Grey and
# alpha stays grey on a grey background. Every engine writes the same bytes.
. "$(dirname "$0")/lib.sh"

mkdir in
python3 - <<'PY' || fail "cannot make the test images"
from PIL import Image
# Three 8x8 blocks, alpha 0, 128 and 255, so JPEG's blocks are flat.
rgba = Image.new("RGBA", (24, 8))
la = Image.new("LA", (24, 8))
for i, a in enumerate((0, 128, 255)):
    rgba.paste((200, 100, 50, a), (8 * i, 0, 8 * i + 8, 8))
    la.paste((200, a), (8 * i, 0, 8 * i + 8, 8))
rgba.save("in/rgba.png")
la.save("in/la.png")
PY

# check FILE MODE TOLERANCE EXPECTED...: the centre pixel of each block.
check() {
	python3 - "$@" <<'PY' || fail "$1: wrong pixels"
import sys
from PIL import Image
path, mode, tol, want = sys.argv[1], sys.argv[2], int(sys.argv[3]), eval(sys.argv[4])
im = Image.open(path)
if im.mode != mode:
    sys.exit(f"{path}: mode {im.mode}, not {mode}")
got = [im.getpixel((8 * i + 4, 4)) for i in range(3)]
flat = lambda p: p if isinstance(p, tuple) else (p,)
for g, w in zip(got, want):
    if any(abs(a - b) > tol for a, b in zip(flat(g), flat(w))):
        sys.exit(f"{path}: {got}, not {want}")
PY
}

# Default white: 200 * 128 + 255 * 127 = 57985, / 255 = 227.39 -> 227.
expect_exit 0 "$PIXPOOL" -q --format pnm in -o white
check white/rgba.pnm RGB 0 "[(255,255,255), (227,177,152), (200,100,50)]"
check white/la.pnm L 0 "[255, 227, 200]"

# #102030: 200 * 128 + 16 * 127 = 27632, / 255 = 108.36 -> 108; and so on.
for e in serial process openmp; do
	backend_wanted $e || continue
	expect_exit 0 "$PIXPOOL" -q -e $e --format pnm --background '#102030' in -o hex-$e
	check hex-$e/rgba.pnm RGB 0 "[(16,32,48), (108,66,49), (200,100,50)]"
	# A colour on grey and alpha needs colour.
	check hex-$e/la.pnm RGB 0 "[(16,32,48), (108,116,124), (200,200,200)]"
	first=${first:-hex-$e}
	same_tree $first hex-$e
done

# The short form and a name: #888 is grey 0x888888, and grey stays grey.
expect_exit 0 "$PIXPOOL" -q --format pnm --background '#888' in -o short
check short/la.pnm L 0 "[136, 168, 200]"
expect_exit 0 "$PIXPOOL" -q --format pnm --background Black in -o black
check black/rgba.pnm RGB 0 "[(0,0,0), (100,50,25), (200,100,50)]"

# JPEG at quality 100: flat blocks come back within rounding of the colour transform.
expect_exit 0 "$PIXPOOL" -q --format jpg --quality 100 in -o jpeg
check jpeg/rgba.jpg RGB 2 "[(255,255,255), (227,177,152), (200,100,50)]"
expect_exit 0 "$PIXPOOL" -q --format jpg --quality 100 --background red in -o red
check red/rgba.jpg RGB 2 "[(255,0,0), (227,50,25), (200,100,50)]"

# Formats with alpha keep it, whatever --background says.
for fmt in png bmp tga; do
	expect_exit 0 "$PIXPOOL" -q --format $fmt --background red in -o keep-$fmt
	check keep-$fmt/rgba.$fmt RGBA 0 "[(200,100,50,0), (200,100,50,128), (200,100,50,255)]"
done

# A colour that is none: one line, with a suggestion; nothing written.
"$PIXPOOL" --background whte in -o bad 2>err && fail "--background whte accepted"
grep -q "did you mean 'white'" err || fail "no suggestion: $(cat err)"
[ ! -e bad ] || fail "a usage error wrote bad/"

# The background makes the bytes: a resume with another is refused, naming it.
expect_exit 2 "$PIXPOOL" -q --skip-existing --format pnm --background blue in -o white 2>err
grep -q "background" err || fail "resume with another background: $(cat err)"
