#!/bin/sh
# The memory estimate of one process worker's images, measured against an
# idle worker's peak: a PNG output counts a fourth buffer, and a photo turned
# upright by EXIF is estimated at its upright size (t0385 covers the rest,
# under every engine).
. "$(dirname "$0")/lib.sh"
need_backend process
. "$TOP/tests/memory.sh"

"$PIXPOOL" -q -b process --ipc pipe -j 2 -f invert tiny -o idle-pipe --manifest idle-pipe.json ||
	fail "idle run failed"

# PNG's encoder holds a fourth buffer: 16 x 13.5 MP.
estimates png -f resize:width=4500 --format png in
"$PIXPOOL" -q -b process -j 1 -f resize:width=4500 --format png in -o out-png \
	--manifest png.json || fail "png: run failed"
within png idle-pipe 216.2

# A phone's portrait photo, stored 1500x1000 with EXIF Orientation 6, is
# 1000x1500 upright: the same width makes it 4500x6750, 12 x 30.4 MP.
python3 - in/photo-1.jpg portrait/photo.jpg <<'PY' || fail "cannot make the portrait JPEG"
import os, struct, sys
data = open(sys.argv[1], "rb").read()
tiff = b"MM" + struct.pack(">HI", 42, 8) + struct.pack(">H", 1) \
    + struct.pack(">HHIHH", 0x0112, 3, 1, 6, 0) + struct.pack(">I", 0)
app1 = b"Exif\0\0" + tiff
os.makedirs(os.path.dirname(sys.argv[2]))
open(sys.argv[2], "wb").write(data[:2] + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + data[2:])
PY
estimates portrait -f resize:width=4500 portrait
"$PIXPOOL" -q -b process -j 1 -f resize:width=4500 portrait -o out-portrait \
	--manifest portrait.json || fail "portrait: run failed"
within portrait idle-pipe 364.7
estimates stored --no-autoorient -f resize:width=4500 portrait
grep -q ' 162\.[0-9]$' stored.est || fail "--no-autoorient: $(cat stored.est)"
exit 0
