#!/usr/bin/env python3
# Builds photos that carry metadata, for the metadata tests: an EXIF block
# (either byte order, any Orientation, GPS, a thumbnail), XMP and an ICC
# profile, spliced into a JPEG or PNG. Each part is written beside the
# image too (NAME.exif, NAME.xmp, NAME.icc) so a test can compare bytes.
#
#   make-meta.py IN OUT [--order II|MM] [--orientation N] [--icc-bytes N]
#                [--no-thumbnail] [--break ifd-loop|offset|truncate|icc-parts]
#                [--layout camera|thumbnail-first] [--gps one|twice|loose]
#                [--xmp plain|positions]
import argparse, struct, zlib

SHORT, LONG, ASCII, RATIONAL = 3, 4, 2, 5
SIZE = {SHORT: 2, LONG: 4, ASCII: 1, RATIONAL: 8}


def ifd(bo, at, entries, next_ifd=0):
    """Serialises an IFD at offset at; values over 4 bytes follow it."""
    data_at = at + 2 + 12 * len(entries) + 4
    head, data = struct.pack(bo + "H", len(entries)), b""
    for tag, typ, value in entries:
        if typ == ASCII:
            raw, count = value + b"\0", len(value) + 1
        elif typ == RATIONAL:
            raw, count = b"".join(struct.pack(bo + "II", a, b) for a, b in value), len(value)
        else:
            raw, count = struct.pack(bo + ("H" if typ == SHORT else "I"), value), 1
        if len(raw) <= 4:
            head += struct.pack(bo + "HHI", tag, typ, count) + raw.ljust(4, b"\0")
        else:
            head += struct.pack(bo + "HHII", tag, typ, count, data_at + len(data))
            data += raw
            if len(data) % 2:
                data += b"\0"
    return head + struct.pack(bo + "I", next_ifd) + data


PARIS = [(48, 1), (51, 1), (2400, 100)]
TOKYO = [(35, 1), (41, 1), (2213, 100)]
# A thumbnail a test can find again in an output's bytes.
THUMB = b"\xff\xd8" + b"".join(b"unpixelated face %03d " % i for i in range(24)) + b"\xff\xd9"


def exif(order, orientation, thumbnail, width, height, layout="camera", gps="one"):
    """layout camera: IFD0, Exif, GPS, IFD1 and thumbnail last; thumbnail-first: IFD1 and
    the thumbnail after IFD0, other data after them. gps one, twice (two pointers in IFD0,
    to Paris then Tokyo) or loose (the GPS IFD is there, no pointer leads to it)."""
    bo = "<" if order == "II" else ">"
    sub = [(0x9003, ASCII, b"2021:06:01 12:34:56"), (0xa002, SHORT, width), (0xa003, SHORT, height)]
    positions = [PARIS, TOKYO] if gps == "twice" else [PARIS]
    pointers = 0 if gps == "loose" else len(positions)

    def ifd0(exif_at, gps_at, ifd1_at):
        return ifd(bo, 8, [(0x010f, ASCII, b"PixCam"), (0x0110, ASCII, b"Model Seven"),
                           (0x0112, SHORT, orientation), (0x8298, ASCII, b"(c) A. Photographer"),
                           (0x8769, LONG, exif_at)]
                   + [(0x8825, LONG, g) for g in gps_at[:pointers]], ifd1_at)
    parts = {"exif": lambda at: ifd(bo, at, sub),
             "thumb": lambda at: ifd(bo, at, [(0x0201, LONG, at + 2 + 24 + 4),
                                              (0x0202, LONG, len(THUMB))]) + THUMB}
    for i, pos in enumerate(positions):
        parts["gps%d" % i] = lambda at, pos=pos: ifd(bo, at, [(1, ASCII, b"N"), (2, RATIONAL, pos)])
    gps_names = ["gps%d" % i for i in range(len(positions))]
    names = ["exif"] + gps_names + ["thumb"]
    if layout == "thumbnail-first":
        names = ["thumb", "exif"] + gps_names
    if not thumbnail:
        names.remove("thumb")
    # Sizes first, then offsets: no part's size depends on where it lies.
    at, offsets = 8 + len(ifd0(0, [0] * pointers, 0)), {}
    for name in names:
        offsets[name] = at
        at += len(parts[name](at))
    tiff = order.encode() + struct.pack(bo + "HI", 42, 8)
    tiff += ifd0(offsets["exif"], [offsets[g] for g in gps_names], offsets.get("thumb", 0))
    return tiff + b"".join(parts[name](offsets[name]) for name in names)


def icc(size):
    """A profile with a valid header and a 'desc' tag, padded to size bytes."""
    desc = b"desc" + b"\0" * 4 + struct.pack(">I", 14) + b"Test Wide RGB\0" + b"\0" * 67
    body = struct.pack(">I", 1) + b"desc" + struct.pack(">II", 144, len(desc)) + desc
    head = struct.pack(">I", 0) + b"pxpl" + b"\x04\x30\0\0" + b"mntrRGB XYZ " + b"\0" * 12 + b"acsp"
    prof = (head.ljust(128, b"\0") + body).ljust(size, b"\x5a")
    return struct.pack(">I", len(prof)) + prof[4:]


XMP = (b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
       b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
       b'xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
       b'xmp:Rating="4"><dc:subject><rdf:Bag><rdf:li>harbour</rdf:li></rdf:Bag></dc:subject>'
       b'</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>')


# Positions in several namespaces and both of RDF's forms, around what must stay
# (a rating, a label with an entity in its value, a subject).
XMP_POSITIONS = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>\n<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
    b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n<rdf:Description rdf:about=""\n'
    b' xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"\n'
    b' xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:drone-dji="http://www.dji.com/drone-dji/1.0/"\n'
    b' xmlns:Camera="http://pix4d.com/camera/1.0/"\n'
    b' xmp:Rating="4" drone-dji:GpsLatitude="+48.8584123"\n'
    b" drone-dji:GpsLongitude='+2.2944813' xmp:Label=\"over &gt; under\"\n"
    b' drone-dji:AbsoluteAltitude="+330.25" drone-dji:RelativeAltitude="+35.125"\n'
    b' drone-dji:FlightYawDegree="+12.50">\n'
    b' <dc:subject><rdf:Bag><rdf:li>harbour</rdf:li></rdf:Bag></dc:subject>\n'
    b' <exif:GPSLatitude>48,51.5047N</exif:GPSLatitude>\n'
    b' <exif:GPSLongitude>2,17.6689E</exif:GPSLongitude>\n'
    b' <exif:GPSAltitude>33025/100</exif:GPSAltitude>\n'
    b' <Camera:GPSXYZAccuracy><rdf:Seq><rdf:li>0.517</rdf:li><rdf:li>0.528</rdf:li>'
    b'<rdf:li>1.539</rdf:li></rdf:Seq></Camera:GPSXYZAccuracy>\n'
    b' <exif:GPSVersionID/>\n'
    b'</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end="w"?>')
# The position values above, as text; none may be left in a --strip=gps output.
XMP_POSITION_VALUES = [b"48.8584123", b"2.2944813", b"330.25", b"35.125", b"48,51.5047N",
                       b"2,17.6689E", b"33025/100", b"0.517", b"0.528", b"1.539"]


def segment(marker, body):
    return b"\xff" + bytes([marker]) + struct.pack(">H", len(body) + 2) + body


def jpeg(data, tiff, prof, broken, xmp):
    segs = segment(0xe1, b"Exif\0\0" + tiff) + segment(0xe1, b"http://ns.adobe.com/xap/1.0/\0" + xmp)
    parts = [prof[i:i + 65519] for i in range(0, len(prof), 65519)]
    for i, p in enumerate(parts):
        seq = i + 1 if broken != "icc-parts" else 7
        segs += segment(0xe2, b"ICC_PROFILE\0" + bytes([seq, len(parts)]) + p)
    return data[:2] + segs + data[2:]


def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png(data, tiff, prof, broken, xmp):
    chunks = chunk(b"iCCP", b"test\0\0" + zlib.compress(prof)) + chunk(b"eXIf", tiff) \
        + chunk(b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0" + xmp)
    return data[:33] + chunks + data[33:]


def main():
    a = argparse.ArgumentParser()
    a.add_argument("src"); a.add_argument("out")
    a.add_argument("--order", default="MM"); a.add_argument("--orientation", type=int, default=1)
    a.add_argument("--icc-bytes", type=int, default=3000)
    a.add_argument("--no-thumbnail", action="store_true"); a.add_argument("--break", dest="broken")
    a.add_argument("--size", default="640x427")
    a.add_argument("--layout", default="camera", choices=["camera", "thumbnail-first"])
    a.add_argument("--gps", default="one", choices=["one", "twice", "loose"])
    a.add_argument("--xmp", default="plain", choices=["plain", "positions"])
    o = a.parse_args()
    w, h = map(int, o.size.split("x"))
    tiff = exif(o.order, o.orientation, not o.no_thumbnail, w, h, o.layout, o.gps)
    xmp = XMP_POSITIONS if o.xmp == "positions" else XMP
    bo = "<" if o.order == "II" else ">"
    if o.broken == "ifd-loop":      # IFD1's next pointer leads back to IFD0
        at = struct.unpack(bo + "I", tiff[8 + 2 + 6 * 12:8 + 2 + 6 * 12 + 4])[0]
        tiff = tiff[:at + 2 + 24] + struct.pack(bo + "I", 8) + tiff[at + 2 + 24 + 4:]
    elif o.broken == "offset":      # Make's value lies far past the block
        tiff = tiff[:8 + 2 + 8] + struct.pack(bo + "I", 0x7ffffff0) + tiff[8 + 2 + 12:]
    elif o.broken == "truncate":    # cut inside the Exif IFD
        tiff = tiff[:130]
    prof = icc(o.icc_bytes)
    data = open(o.src, "rb").read()
    out = (jpeg if data[:2] == b"\xff\xd8" else png)(data, tiff, prof, o.broken, xmp)
    open(o.out, "wb").write(out)
    for ext, part in (("exif", tiff), ("xmp", xmp), ("icc", prof)):
        open(o.out + "." + ext, "wb").write(part)


if __name__ == "__main__":
    main()
