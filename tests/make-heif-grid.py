#!/usr/bin/env python3
# Builds a HEIC whose primary image is a grid, as phones write them, from
# HEICs of its tiles made by heif-enc (which writes no grid itself): each
# tile's coded data and its hvcC box are taken over as they are.
#
#   make-heif-grid.py OUT COLUMNS WIDTH HEIGHT TILE.heic...
#
# The tiles, row by row, all of one size; WIDTH x HEIGHT is the grid's
# output size (at most the tiles' sum; what is past it is cut off).
import struct
import sys


def boxes(d, at, end):
    """(type, body start, body end) of each box in d[at:end]."""
    while at + 8 <= end:
        size, kind = struct.unpack(">I4s", d[at:at + 8])
        head = 8
        if size == 1:
            size, head = struct.unpack(">Q", d[at + 8:at + 16])[0], 16
        elif size == 0:
            size = end - at
        yield kind, at + head, at + size
        at += size


def child(d, at, end, kind):
    return next(b for b in boxes(d, at, end) if b[0] == kind)


def tile(path):
    """The hvcC box (whole), the coded bytes and the size of a HEIC's primary image."""
    d = open(path, "rb").read()
    _, m0, m1 = child(d, 0, len(d), b"meta")
    m0 += 4
    _, p0, _ = child(d, m0, m1, b"iprp")
    _, c0, c1 = child(d, p0, m1, b"ipco")
    _, h0, h1 = child(d, c0, c1, b"hvcC")
    hvcc = d[h0 - 8:h1]
    _, s0, _ = child(d, c0, c1, b"ispe")
    size = struct.unpack(">II", d[s0 + 4:s0 + 12])
    _, l0, l1 = child(d, m0, m1, b"iloc")
    version = d[l0]
    sizes, base_size = d[l0 + 4], d[l0 + 5] >> 4
    assert sizes == 0x44 and base_size in (0, 4), "an iloc heif-enc does not write"
    at = l0 + 6
    count, = struct.unpack(">H", d[at:at + 2])
    at += 2
    for _ in range(count):
        item, = struct.unpack(">H", d[at:at + 2])
        at += 2 + (2 if version >= 1 else 0) + 2
        base = struct.unpack(">I", d[at:at + 4])[0] if base_size else 0
        at += base_size
        extents, = struct.unpack(">H", d[at:at + 2])
        at += 2
        data = b""
        for _ in range(extents):
            off, length = struct.unpack(">II", d[at:at + 8])
            at += 8
            data += d[base + off:base + off + length]
        if item == 1:
            return hvcc, data, size
    raise SystemExit("no item 1 in " + path)


def box(kind, body):
    return struct.pack(">I4s", 8 + len(body), kind) + body


def full(kind, version, body, flags=0):
    return box(kind, struct.pack(">I", version << 24 | flags) + body)


def infe(item, kind, hidden=0):
    return full(b"infe", 2, struct.pack(">HH4s", item, 0, kind) + b"\0", hidden)


def build(out, cols, width, height, paths):
    tiles = [tile(p) for p in paths]
    rows = len(tiles) // cols
    n = len(tiles)
    tw, th = tiles[0][2]
    assert all(t[2] == (tw, th) for t in tiles), "tiles of different sizes"
    grid_data = struct.pack(">BBBBHH", 0, 0, rows - 1, cols - 1, width, height)
    iinf = full(b"iinf", 0, struct.pack(">H", n + 1) + infe(1, b"grid") +
                b"".join(infe(2 + i, b"hvc1", hidden=1) for i in range(n)))
    # Properties: 1 the grid's ispe, 2 the tiles' ispe, 3.. each tile's hvcC.
    ipco = box(b"ipco", full(b"ispe", 0, struct.pack(">II", width, height)) +
               full(b"ispe", 0, struct.pack(">II", tw, th)) + b"".join(t[0] for t in tiles))
    assoc = struct.pack(">HB", 1, 1) + bytes([0x81])
    for i in range(n):
        assoc += struct.pack(">HB", 2 + i, 2) + bytes([0x83 + i, 0x02])
    ipma = full(b"ipma", 0, struct.pack(">I", n + 1) + assoc)
    iref = full(b"iref", 0, box(b"dimg", struct.pack(">HH", 1, n) +
                                b"".join(struct.pack(">H", 2 + i) for i in range(n))))
    ftyp = box(b"ftyp", b"heic" + struct.pack(">I", 0) + b"mif1heic")
    hdlr = full(b"hdlr", 0, struct.pack(">I4s12x", 0, b"pict") + b"\0")

    def meta(offsets):
        # iloc version 1: the grid's data in idat, the tiles' in mdat.
        body = struct.pack(">BBH", 0x44, 0x00, n + 1)
        body += struct.pack(">HHHHII", 1, 1, 0, 1, 0, len(grid_data))
        for i in range(n):
            body += struct.pack(">HHHHII", 2 + i, 0, 0, 1, offsets[i], len(tiles[i][1]))
        iloc = full(b"iloc", 1, body)
        return full(b"meta", 0, hdlr + full(b"pitm", 0, struct.pack(">H", 1)) + iinf + iloc +
                    iref + box(b"idat", grid_data) + box(b"iprp", ipco + ipma))

    start = len(ftyp) + len(meta([0] * n)) + 8
    offsets, at = [], start
    for t in tiles:
        offsets.append(at)
        at += len(t[1])
    with open(out, "wb") as f:
        f.write(ftyp + meta(offsets) + box(b"mdat", b"".join(t[1] for t in tiles)))


if __name__ == "__main__":
    out, cols, width, height = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    build(out, cols, width, height, sys.argv[5:])
