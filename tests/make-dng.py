"""tests/make-dng.py PHOTO OUT.dng [ORIENTATION [WxH]]: a minimal DNG mosaiced from a photo.

The photo's middle 600x400 pixels (or WxH) (sRGB) are made linear and sampled
through a 2x2 RGGB colour filter array into 12-bit samples in 16-bit
words, one strip, uncompressed. ColorMatrix1 is the matrix from XYZ to
linear sRGB (D65), so the camera's colours are linear sRGB and a
developer that follows the DNG gives the photo back (less what
demosaicing loses); AsShotNeutral is white. IFD0 holds everything, with
DNGVersion 1.4. Also writes OUT.png: the 600x400 crop, the reference.
"""
import struct
import sys

import numpy as np

from rawphoto import crop_linear

W, H = (int(v) for v in (sys.argv[4] if len(sys.argv) > 4 else "600x400").split("x"))
WHITE = 4095

linear = crop_linear(sys.argv[1], W, H, sys.argv[2][:-4] + ".png")
mosaic = np.empty((H, W))
mosaic[0::2, 0::2] = linear[0::2, 0::2, 0]
mosaic[0::2, 1::2] = linear[0::2, 1::2, 1]
mosaic[1::2, 0::2] = linear[1::2, 0::2, 1]
mosaic[1::2, 1::2] = linear[1::2, 1::2, 2]
data = np.round(mosaic * WHITE).astype("<u2").tobytes()

XYZ_TO_SRGB = [3.2404542, -1.5371385, -0.4985314, -0.9692660, 1.8760108, 0.0415560,
               0.0556434, -0.2040259, 1.0572252]
BYTE, ASCII, SHORT, LONG, RATIONAL, SRATIONAL = 1, 2, 3, 4, 5, 10
SIZE = {BYTE: 1, ASCII: 1, SHORT: 2, LONG: 4, RATIONAL: 8, SRATIONAL: 8}


def packed(kind, values):
    if kind == ASCII:
        return values.encode() + b"\0"
    if kind in (RATIONAL, SRATIONAL):
        form = "<ii" if kind == SRATIONAL else "<II"
        return b"".join(struct.pack(form, int(round(v * 10000)), 10000) for v in values)
    form = {BYTE: "<B", SHORT: "<H", LONG: "<I"}[kind]
    return b"".join(struct.pack(form, v) for v in values)


orientation = int(sys.argv[3]) if len(sys.argv) > 3 else 1
tags = [
    (254, LONG, [0]), (256, LONG, [W]), (257, LONG, [H]), (258, SHORT, [16]),
    (259, SHORT, [1]), (262, SHORT, [32803]), (271, ASCII, "pixpool"),
    (272, ASCII, "test camera"), (273, LONG, [0]), (274, SHORT, [orientation]),
    (277, SHORT, [1]), (278, LONG, [H]), (279, LONG, [len(data)]), (284, SHORT, [1]),
    (33421, SHORT, [2, 2]), (33422, BYTE, [0, 1, 1, 2]), (50706, BYTE, [1, 4, 0, 0]),
    (50707, BYTE, [1, 1, 0, 0]), (50708, ASCII, "pixpool test camera"),
    (50714, LONG, [0]), (50717, LONG, [WHITE]), (50721, SRATIONAL, XYZ_TO_SRGB),
    (50728, RATIONAL, [1, 1, 1]), (50778, SHORT, [21]),
]
ifd_size = 2 + 12 * len(tags) + 4
extra = bytearray()
extra_at = 8 + ifd_size
entries = b""
for tag, kind, values in tags:
    value = packed(kind, values)
    count = len(value) // SIZE[kind]
    if tag == 273:
        value = None
    if value is None or len(value) > 4:
        if value is not None:
            field = struct.pack("<I", extra_at + len(extra))
            extra += value + (b"\0" if len(value) % 2 else b"")
        else:
            field = b"STRP"
    else:
        field = value.ljust(4, b"\0")
    entries += struct.pack("<HHI", tag, kind, count) + field
strip_at = extra_at + len(extra)
entries = entries.replace(b"STRP", struct.pack("<I", strip_at))
out = b"II*\0" + struct.pack("<I", 8) + struct.pack("<H", len(tags)) + entries
out += struct.pack("<I", 0) + bytes(extra) + data
open(sys.argv[2], "wb").write(out)
