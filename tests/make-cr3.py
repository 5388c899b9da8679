"""tests/make-cr3.py PHOTO OUT.cr3 [ORIENTATION [WxH]]: a minimal CR3 mosaiced from a photo.

The photo's middle 300x200 pixels (or WxH) (sRGB) are made linear, taken
into the camera's colours (the inverse of the matrix a developer uses for
MODEL) and sampled through a 2x2 RGGB colour filter array into 14-bit
samples. They are stored as Canon's lossless CRX: one tile, four planes
(R, G, G, B), no wavelet levels, each plane a line-by-line prediction
whose errors are coded by adaptive Golomb-Rice, never in run mode.

The container holds what a reader needs and no more: ftyp "crx ", moov
with Canon's uuid box (CNCV, CCTP, CMT1 = IFD0 with Make, Model, size and
ORIENTATION, CMT2 = an Exif IFD, CMT3 = makernotes holding ColorData: the
white balance as shot, black and white levels) and one video track whose
CRAW sample entry carries the CMP1 image header, its sample's size (stsz)
and offset (co64, the one libraw 0.20 reads) into mdat. Every box is one
libraw knows: it fails a list that ends with one it does not. Also writes
OUT.png: the crop, the reference. W and H are even, 44 or more (a plane,
half the image, is at least 22 samples each way).
"""
import struct
import sys

import numpy as np

from rawphoto import XYZ_SRGB, crop_linear

W, H = (int(v) for v in (sys.argv[4] if len(sys.argv) > 4 else "300x200").split("x"))
ORIENTATION = int(sys.argv[3]) if len(sys.argv) > 3 else 1
if W % 2 or H % 2 or W < 44 or H < 44:
    sys.exit("make-cr3.py: %dx%d: the sides must be even and 44 or more" % (W, H))
MODEL = "Canon EOS M50"
BITS = 14
WHITE = (1 << BITS) - 1
BLACK = 2048  # the sensor's zero, as Canon's 14-bit bodies record it
# The camera's matrix from XYZ (D65) to its own colours, as raw developers
# know this model: the colours are written through its inverse, so a
# developer that applies it gets the photo's colours back.
CAM_XYZ = np.array([[8532, -701, -1167], [-4095, 11879, 2508], [-797, 2424, 7010]]) / 10000


def mosaic(path):
    """The crop, saved as the reference, and its RGGB samples in camera colours."""
    linear = crop_linear(path, W, H, sys.argv[2][:-4] + ".png")
    cam_rgb = CAM_XYZ @ XYZ_SRGB
    # White, in the camera's colours, is each row's sum: the developer's
    # daylight multipliers, the inverse of these, bring it back to grey.
    white = cam_rgb.sum(axis=1)
    cam = np.clip(linear @ cam_rgb.T / white.max(), 0, 1)
    samples = BLACK + np.round(cam * (WHITE - BLACK)).astype(np.int64)
    return [samples[0::2, 0::2, 0], samples[0::2, 1::2, 1],
            samples[1::2, 0::2, 1], samples[1::2, 1::2, 2]]


class Bits:
    """Bits written most significant first, as the CRX reader takes them."""

    def __init__(self):
        self.out = bytearray()
        self.acc = 0
        self.n = 0

    def put(self, value, count):
        self.acc = self.acc << count | value
        self.n += count
        while self.n >= 8:
            self.n -= 8
            self.out.append(self.acc >> self.n & 0xFF)
        self.acc &= (1 << self.n) - 1

    def done(self):
        if self.n:
            self.put(0, 8 - self.n)
        self.out += bytes(-len(self.out) % 4 + 8)  # whole words, read ahead
        return bytes(self.out)


class Plane:
    """One plane's coder: its k parameter runs on from sample to sample and line to line."""

    def __init__(self):
        self.bits = Bits()
        self.k = 0

    def code(self, error):
        """Writes a prediction error; returns its code number."""
        n = 2 * error if error >= 0 else -2 * error - 1
        if n >> self.k < 41:
            self.bits.put(0, n >> self.k)
            self.bits.put(1, 1)
            self.bits.put(n & ((1 << self.k) - 1), self.k)
        else:
            self.bits.put(0, 41)
            self.bits.put(1, 1)
            self.bits.put(n, 21)
        return n

    def adapt(self, n):
        k = self.k
        k += -(n < (1 << k >> 1)) + ((n >> k) > 2) + ((n >> k) > 5)
        self.k = min(k, 15)

    def top_line(self, row):
        """The first line: each sample predicted by the one on its left (0 first)."""
        left = 0
        for x, value in enumerate(row):
            if left == 0 and x < len(row) - 1:
                self.bits.put(0, 1)  # no run of repeated samples
            self.adapt(self.code(value - left))
            left = value

    def line(self, above, row):
        """A later line. above is the line before, padded: [first, samples..., last + 1]."""
        width = len(row)
        left = above[1]
        for x, value in enumerate(row):
            up_left, up = above[x], above[x + 1]
            if x < width - 1 and left == up == above[x + 2]:
                self.bits.put(0, 1)  # no run
                guess = up
            else:
                guess = median(left, up, up_left)
            n = self.code(value - guess)
            if x < width - 1:
                n = (n + 2 * abs(above[x + 2] - up)) >> 1
            self.adapt(n)
            left = value

    def encode(self, plane):
        rows = [[int(v) - (1 << (BITS - 1)) for v in r] for r in plane]
        self.top_line(rows[0])
        first = 0
        for above, row in zip(rows, rows[1:]):
            self.line([first] + above + [above[-1] + 1], row)
            first = above[0]
        return self.bits.done()


def median(left, up, up_left):
    """The gradient predictor: left + up - up_left, held between left and up."""
    delta = up - up_left
    pick = ((up_left < left) ^ (delta < 0)) * 2 + ((left < up) ^ (delta < 0))
    return (delta + left, delta + left, left, up)[pick]


def box(kind, *parts):
    body = b"".join(parts)
    return struct.pack(">I", 8 + len(body)) + kind + body


def crx_data(planes):
    """The raw track's sample: tile, plane and subband headers, then each plane's bits."""
    coded = [Plane().encode(p) for p in planes]
    head = struct.pack(">HHIHH", 0xFF01, 8, sum(len(c) for c in coded), 0, 0)
    for number, bits in enumerate(coded):
        # Plane: its size, its number, "supports partial" (the decoder
        # this layout takes); subband 0: its size, no padding to drop.
        head += struct.pack(">HHIB3x", 0xFF02, 8, len(bits), number << 4 | 8)
        head += struct.pack(">HHII", 0xFF03, 8, len(bits), 0)
    return head, b"".join(coded)


def tiff(entries):
    """A little-endian TIFF holding one IFD: (tag, type, values) with values packed."""
    SHORT, LONG = 3, 4
    count = len(entries)
    extra_at = 8 + 2 + 12 * count + 4
    table, extra = b"", b""
    for tag, kind, value in sorted(entries):
        if kind == "ascii":
            data, code, n = value.encode() + b"\0", 2, len(value) + 1
        elif kind == "short":
            data, code, n = struct.pack("<%dH" % len(value), *value), SHORT, len(value)
        else:
            data, code, n = struct.pack("<%dI" % len(value), *value), LONG, len(value)
        if len(data) <= 4:
            field = data.ljust(4, b"\0")
        else:
            field = struct.pack("<I", extra_at + len(extra))
            extra += data + b"\0" * (len(data) % 2)
        table += struct.pack("<HHI", tag, code, n) + field
    return b"II*\0" + struct.pack("<IH", 8, count) + table + b"\0\0\0\0" + extra


def color_data():
    """Tag 0x4001 as the EOS M50 writes it (1820 words, version 16): the white
    balance as shot (R, G, G, B), each channel's black and the white level."""
    cam_rgb = CAM_XYZ @ XYZ_SRGB
    white = cam_rgb.sum(axis=1)
    words = [0] * 1820
    words[0] = 16
    red, blue = (round(1024 * white[1] / white[c]) for c in (0, 2))
    words[0x47:0x4B] = [red, 1024, 1024, blue]
    words[0x318:0x31E] = [BLACK] * 4 + [WHITE, WHITE]
    return words


def canon_uuid():
    ifd0 = tiff([(256, "short", [W]), (257, "short", [H]), (271, "ascii", "Canon"),
                 (272, "ascii", MODEL), (274, "short", [ORIENTATION])])
    exif = tiff([(0x8827, "short", [100]), (0x9000, "ascii", "0231")])
    makernotes = tiff([(0x4001, "short", color_data())])
    # CCTP lists the tracks (one, the raw image's). libraw 0.20.2 reads it
    # as a list of boxes and, given none, answers a status it never set.
    cctp = box(b"CCTP", struct.pack(">III", 0, 1, 1), box(b"CCDT", struct.pack(">QQ", 0x10, 1)))
    return box(b"uuid", bytes.fromhex("85c0b687820f11e08111f4ce462b6a48"),
               box(b"CNCV", b"CanonCR3_001/00.09.00/00.00.00"), cctp,
               box(b"CMT1", ifd0), box(b"CMT2", exif), box(b"CMT3", makernotes))


def raw_track(head_len, data_len, data_at):
    """A video track of one CRAW sample: data_len bytes at data_at."""
    # CMP1: its 48 bytes after this word; version 1.0; the image, and its one
    # tile, W x H; 14 bits; 4 planes in RGGB order; lossless, no wavelet
    # levels, one tile each way; the size of the headers before the planes.
    cmp1 = struct.pack(">HHHHIIIIBBBBI", 0xFF00, 0x30, 0x100, 0, W, H, W, H, BITS,
                       4 << 4 | 0, 0, 0, head_len) + bytes(16)
    # A visual sample entry (78 bytes: width and height at 24), 4 more of Canon's.
    entry = bytes(6) + struct.pack(">H", 1) + bytes(16) + struct.pack(">HH", W, H)
    entry += struct.pack(">II4xH32xHh", 0x480000, 0x480000, 1, 24, -1) + bytes(4)
    stsd = box(b"stsd", struct.pack(">II", 0, 1), box(b"CRAW", entry, box(b"CMP1", cmp1)))
    stsz = box(b"stsz", struct.pack(">III", 0, data_len, 1))
    co64 = box(b"co64", struct.pack(">IIQ", 0, 1, data_at))
    hdlr = box(b"hdlr", struct.pack(">II4s12x", 0, 0, b"vide") + b"\0")
    stbl = box(b"stbl", stsd, stsz, co64)
    return box(b"trak", box(b"mdia", hdlr, box(b"minf", stbl)))


def main():
    head, bits = crx_data(mosaic(sys.argv[1]))
    sample = head + bits
    ftyp = box(b"ftyp", b"crx ", struct.pack(">I", 1), b"crx isom")
    uuid = canon_uuid()
    # The track's offset depends on moov's size, which does not depend on it.
    moov_len = len(box(b"moov", uuid, raw_track(len(head), len(sample), 0)))
    at = len(ftyp) + moov_len + 8
    moov = box(b"moov", uuid, raw_track(len(head), len(sample), at))
    with open(sys.argv[2], "wb") as out:
        out.write(ftyp + moov + box(b"mdat", sample))


main()
