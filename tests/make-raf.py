"""tests/make-raf.py PHOTO OUT.raf [ORIENTATION [WxH]]: a minimal RAF mosaiced from a photo.

The photo's middle 600x400 pixels (or WxH) (sRGB) are made linear, turned
into the colours of the camera named (a Fujifilm FinePix HS10 HS11, a
Bayer sensor that libraw 0.20 knows by name: its colour matrix is
libraw's, copied below) and sampled through a 2x2 colour filter array
(libraw's 0x94949494 for the HS10: GBRG from the top-left) into 14-bit
samples in big-endian 16-bit words, uncompressed (libraw's
unpacked_load_raw). The white balance as shot (tag 0x2ff0) is the one
that makes the camera's white white, so libraw, developing with the
camera's white balance into sRGB, gives the photo back (less what
demosaicing loses).

The file as Fujifilm lays it out: a 0x94-byte big-endian header (magic,
model; at 84 the embedded JPEG's offset and length, at 92 the CFA
header's, at 100 the CFA's), the embedded JPEG (a small copy of the crop,
with an EXIF block first: Make, Model and ORIENTATION, as a camera writes
it and libraw reads it), the CFA header (a count, then records of tag,
size and data: 0x100 RawImageFullSize, 0x121 RawImageSize, 0x2ff0 the
white balance), and the CFA. Also writes OUT.png: the crop, the reference.
"""
import io
import struct
import sys

import numpy as np
from PIL import Image

from rawphoto import XYZ_SRGB, crop_linear

W, H = (int(v) for v in (sys.argv[4] if len(sys.argv) > 4 else "600x400").split("x"))
ORIENTATION = int(sys.argv[3]) if len(sys.argv) > 3 else 1
MAKE, MODEL = "FUJIFILM", "FinePix X100"
# libraw 0.20's cam_xyz for the X100 (src/tables/colordata.cpp), over 10000.
CAM_XYZ = np.array([[12161, -4457, -1069], [-5034, 12874, 2400], [-795, 1724, 6904]]) / 10000
WHITE = 0x3e00  # libraw's maximum for a Bayer RAF of a FinePix
MARGIN = (2, 4)  # rows above and below, columns left and right

linear = crop_linear(sys.argv[1], W, H, sys.argv[2][:-4] + ".png")

# What the sensor saw: sRGB to the camera's colours, as libraw's cam_rgb;
# its rows' sums are the camera's response to white, which the white
# balance takes away.
cam_rgb = CAM_XYZ @ XYZ_SRGB
response = cam_rgb.sum(axis=1)
camera = linear @ (cam_rgb / response[:, None]).T
# The white balance scales the smallest channel's by 1: the others are
# stored darker by their gains, so no channel clips before libraw scales it.
gain = response.max() / response
camera = camera / gain
# libraw's filters 0x94949494 from the image's top-left: R G / G B.
mosaic = np.empty((H, W))
mosaic[0::2, 0::2] = camera[0::2, 0::2, 0]
mosaic[0::2, 1::2] = camera[0::2, 1::2, 1]
mosaic[1::2, 0::2] = camera[1::2, 0::2, 1]
mosaic[1::2, 1::2] = camera[1::2, 1::2, 2]
# The sensor's full size has a dark border libraw crops, as a camera's
# has: libraw puts the image at (full - size) / 4 * 2 from the top-left.
full = np.zeros((H + 2 * MARGIN[0], W + 2 * MARGIN[1]))
full[MARGIN[0]:MARGIN[0] + H, MARGIN[1]:MARGIN[1] + W] = mosaic
cfa = np.round(np.clip(full, 0, 1) * WHITE).astype(">u2").tobytes()


def exif_block():
    """A big-endian TIFF IFD0: Make, Model, Orientation."""
    make, model = MAKE.encode() + b"\0", MODEL.encode() + b"\0"
    count = 3
    extra_at = 8 + 2 + 12 * count + 4
    entries = struct.pack(">HHII", 271, 2, len(make), extra_at)
    entries += struct.pack(">HHII", 272, 2, len(model), extra_at + len(make))
    entries += struct.pack(">HHIHH", 274, 3, 1, ORIENTATION, 0)
    return b"MM\0*" + struct.pack(">IH", 8, count) + entries + b"\0\0\0\0" + make + model


def embedded_jpeg():
    """A small copy of the crop, its EXIF first after SOI, as libraw reads it (offset + 12)."""
    small = io.BytesIO()
    Image.open(sys.argv[2][:-4] + ".png").resize((W // 4, H // 4)).save(small, "JPEG", quality=85)
    body = small.getvalue()[2:]
    if body[:2] == b"\xff\xe0":  # no JFIF segment: a camera's starts with EXIF
        body = body[2 + struct.unpack(">H", body[2:4])[0]:]
    exif = b"Exif\0\0" + exif_block()
    return b"\xff\xd8\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif + body


def cfa_header():
    full = (H + 2 * MARGIN[0], W + 2 * MARGIN[1])
    records = [(0x100, struct.pack(">HH", *full)), (0x121, struct.pack(">HH", H, W)),
               (0x2ff0, struct.pack(">HHHH", *(round(256 * gain[c]) for c in (1, 0, 1, 2))))]
    out = struct.pack(">I", len(records))
    for tag, data in records:
        out += struct.pack(">HH", tag, len(data)) + data
    return out


jpeg, meta = embedded_jpeg(), cfa_header()
jpeg_at = 0x94
meta_at = jpeg_at + len(jpeg)
cfa_at = meta_at + len(meta)
head = b"FUJIFILMCCD-RAW 0201FF383501" + MODEL.encode().ljust(32, b"\0") + b"0100"
head = head.ljust(84, b"\0")
head += struct.pack(">6I", jpeg_at, len(jpeg), meta_at, len(meta), cfa_at, len(cfa))
head = head.ljust(jpeg_at, b"\0")
open(sys.argv[2], "wb").write(head + jpeg + meta + cfa)
