#!/usr/bin/env python3
"""tests/make-hostile.py SRC GOOD BAD EXPECTED: builds photos and broken files for the tests.

SRC holds chelsea.{jpg,png,bmp,tga,pnm,webp} and camera.png, written by pixpool.
GOOD gets images that must decode: copies of SRC under awkward names (spaces,
quotes, a newline, bytes that are not UTF-8), a top-down BMP, a PNG with an
empty IDAT chunk, a PNG with a short palette, and damaged files whose markers
and chunks are whole (a JPEG cut in its scan but ended, bits flipped in a
scan, palette indices past the palette). BAD gets files that must fail:
truncated, bit-flipped and header-forged ones, pixel bombs (PNG, GIF, PSD),
GIFs and PSDs forged or coded in ways stb cannot read, forged sizes,
under awkward names too. EXPECTED lists each bad file, one a line, the name as pixpool
prints it (escaped) and a TAB and the reason it must give. Every byte is
derived from SRC and constants, so two runs make the same files.
"""
import os
import struct
import sys
import zlib

src, good, bad, expected_path = (os.fsencode(a) for a in sys.argv[1:5])
expected = []


def read(name):
    with open(os.path.join(src, os.fsencode(name)), 'rb') as f:
        return f.read()


def write(folder, name, data):
    with open(os.path.join(folder, name), 'wb') as f:
        f.write(data)


def escaped(name):
    """The name as escape_terminal writes it (for the bytes these tests use)."""
    out = ''
    for b in name:
        if b == 0x5c:
            out += '\\\\'
        elif b == 0x0a:
            out += '\\n'
        elif b < 0x20 or b >= 0x7f:
            out += '\\x%02x' % b
        else:
            out += chr(b)
    return out


def refuse(name, data, reason):
    write(bad, name, data)
    expected.append(escaped(name) + '\t' + reason)


def chunk(kind, data):
    crc = zlib.crc32(kind + data) & 0xffffffff
    return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', crc)


def chunks(png):
    pos, out = 8, []
    while pos < len(png):
        (length,) = struct.unpack('>I', png[pos:pos + 4])
        out.append(png[pos:pos + 12 + length])
        pos += 12 + length
    return out


def png(width, height, ctype, rows, palette=None, depth=8):
    data = b'\x89PNG\r\n\x1a\n'
    data += chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, depth, ctype, 0, 0, 0))
    if palette is not None:
        data += chunk(b'PLTE', palette)
    z = zlib.compressobj(9)
    idat = b''.join(z.compress(b'\0' + row) for row in rows) + z.flush()
    return data + chunk(b'IDAT', idat) + chunk(b'IEND', b'')


def cut(data, fraction):
    return data[:int(len(data) * fraction)]


def flip(data, offset, bit):
    return data[:offset] + bytes([data[offset] ^ (1 << bit)]) + data[offset + 1:]


def jpeg_segment(data, marker):
    """Offset of the first segment with this marker (the 0xff before it)."""
    pos = 2
    while data[pos + 1] != marker:
        pos += 2 + struct.unpack('>H', data[pos + 2:pos + 4])[0]
    return pos


jpg, pngf, bmp, tga, pnm, webp = (read('chelsea.' + e)
                                   for e in ('jpg', 'png', 'bmp', 'tga', 'pnm', 'webp'))
camera = read('camera.png')

# Good images, some under names that must be escaped in any message.
for name, data in [(b'chelsea.jpg', jpg), (b'chelsea.png', pngf), (b'chelsea.bmp', bmp),
                   (b'chelsea.tga', tga), (b'chelsea.pnm', pnm), (b'chelsea.webp', webp),
                   (b'camera.png', camera),
                   (b'with space.png', camera), (b'quote\'s "q".png', pngf),
                   (b'new\nline.png', camera), (b'latin1-\xe9.png', pngf)]:
    write(good, name, data)
# A top-down BMP: the same rows in the other order, and a negative height.
(offset, width, height) = struct.unpack('<I4xii', bmp[10:26])
stride = (width * 3 + 3) & ~3
rows = [bmp[offset + y * stride:offset + (y + 1) * stride] for y in range(height)]
write(good, b'topdown.bmp', bmp[:22] + struct.pack('<i', -height) + bmp[26:offset] +
      b''.join(reversed(rows)))
# An empty IDAT chunk before the image data is legal, and holds nothing.
parts = chunks(pngf)
write(good, b'empty-idat.png', pngf[:8] + parts[0] + chunk(b'IDAT', b'') + b''.join(parts[1:]))
# An indexed PNG with four colours, every index in range.
write(good, b'palette.png', png(64, 32, 3, [bytes((x // 16) for x in range(64))] * 32,
                                palette=bytes(range(12))))

# Damaged, but whole as far as the headers and markers tell: stb fills what the file
# lacks (zeros past a cut scan, black for a colour past the palette), always the same.
scan = jpeg_segment(jpg, 0xda)
write(good, b'damaged-cut-scan.jpg', cut(jpg, 0.6) + b'\xff\xd9')
write(good, b'damaged-flipped-scan.jpg',
      flip(flip(flip(jpg, scan + 400, 3), scan + 3000, 6), len(jpg) - 500, 1))
write(good, b'damaged-palette-index.png', png(64, 32, 3, [bytes(range(192, 256))] * 32,
                                              palette=bytes(range(12))))

# Cut short: every format says so.
for ext, data in [('jpg', jpg), ('png', pngf), ('bmp', bmp), ('tga', tga), ('pnm', pnm),
                  ('webp', webp)]:
    kind = {'jpg': 'JPEG', 'webp': 'WebP'}.get(ext, ext.upper())
    refuse(('truncated.' + ext).encode(), cut(data, 0.6), 'cannot decode: truncated ' + kind)
# A TGA header claiming 640x480 with 100 bytes of pixels.
refuse(b'forged-640x480.tga', struct.pack('<BBBHHBHHHHBB', 0, 0, 2, 0, 0, 0, 0, 0, 640, 480, 24, 0)
       + bytes(100), 'cannot decode: truncated TGA')
refuse(b'header-only.png', pngf[:8] + chunks(pngf)[0], 'cannot decode: truncated PNG')
# One bit flipped: a colour type that needs a palette the file lacks, a zlib header
# that fails its check, 12-bit JPEG samples, a Huffman table of class 2, 25 bits a pixel.
refuse(b'flip-ctype.png', flip(pngf, 25, 0), 'cannot decode: corrupt PNG: no palette')
idat = pngf.index(b'IDAT')
refuse(b'flip-zlib.png', flip(pngf, idat + 4, 0), 'cannot decode: corrupt PNG: bad compressed data')
sof = jpeg_segment(jpg, 0xc0)
refuse(b'flip-precision.jpg', flip(jpg, sof + 4, 2),
       'cannot decode: JPEG with 12-bit samples that pixpool does not read')
refuse(b'flip-huffman.jpg', flip(jpg, jpeg_segment(jpg, 0xc4) + 4, 5),
       'cannot decode: corrupt JPEG: bad Huffman table')
refuse(b'flip-bpp.bmp', flip(bmp, 28, 0), 'cannot decode: corrupt BMP: bad colour masks')
# Sizes: a bomb that compresses to a few hundred KB, a forged header, sides over 65535.
refuse(b'bomb.png', png(16000, 16000, 0, [bytes(16000)] * 16000),
       'PNG larger than the limit: 16000x16000 is 256000000 pixels, over 178956970 (--max-pixels)')
refuse(b'huge.png', png(100000, 100000, 0, [bytes(10)]),
       'PNG larger than the limit: 100000x100000 is 10000000000 pixels')
refuse(b'wide.png', png(70000, 2, 0, [bytes(70000)] * 2),
       'PNG with a side longer than 65535 pixels: 70000x2')
refuse(b'overflow.pnm', b'P5\n99999999999 1\n255\n' + bytes(64),
       'cannot decode: corrupt PNM: a number in the header is too long')
refuse(b'deep.pnm', b'P5\n4 4\n70000\n' + bytes(64),
       'cannot decode: PNM with samples over 16 bits, which pixpool does not read')
# WebP (pixpool writes chelsea's with its ICC profile and XMP: VP8X, ICCP, VP8, XMP):
# the ICCP chunk claiming 2 GB, a canvas over the limit or not the image's size, one
# bit of the VP8 start code.
assert webp[12:16] == b'VP8X' and webp[30:34] == b'ICCP'
refuse(b'chunk-past-end.webp', webp[:34] + struct.pack('<I', 0x7fffffff) + webp[38:],
       'cannot decode: corrupt WebP: a chunk runs past the end of the RIFF data')
refuse(b'bomb.webp', webp[:24] + struct.pack('<I', 15999)[:3] + struct.pack('<I', 15999)[:3]
       + webp[30:], 'WebP larger than the limit: 16000x16000 is 256000000 pixels')
refuse(b'canvas.webp', webp[:24] + struct.pack('<I', 451)[:3] + webp[27:],
       'cannot decode: corrupt WebP: the image is not the size of the canvas')
vp8 = webp.index(b'VP8 ')
refuse(b'flip-startcode.webp', flip(webp, vp8 + 11, 0), 'cannot decode: corrupt WebP: bad VP8 start code')
# A critical chunk stb does not know, whose type would clear the screen if printed.
refuse(b'chunk-esc.png', pngf[:8] + chunks(pngf)[0] + chunk(b'\x1b[2J', b'x') + b''.join(chunks(pngf)[1:]),
       'cannot decode: PNG with an unknown critical chunk, which pixpool does not read')
# An 8-bit BMP with a two-colour palette whose pixels name colour 200.
header = struct.pack('<2sIHHIIiiHHIIiiII', b'BM', 14 + 40 + 8 + 64, 0, 0, 14 + 40 + 8, 40,
                     8, 8, 1, 8, 0, 64, 0, 0, 2, 0)
refuse(b'palette-index.bmp', header + bytes(8) + bytes([200] * 64),
       'cannot decode: corrupt BMP: a pixel names a colour past its palette')
# GIF: a screen that is a pixel bomb, a first frame outside the screen, one
# with no colour table, an unknown block, no trailer; PSD: forged sizes.
def gif(width, height, frame=(0, 0, 1, 1), table=True, tail=b';'):
    head = b'GIF89a' + struct.pack('<HHBBB', width, height, 0x80 if table else 0, 0, 0)
    head += bytes(6) if table else b''
    image = b',' + struct.pack('<HHHHB', *frame, 0) + b'\x02\x02\x4c\x01\x00'
    return head + image + tail


def psd(width, height, depth=8, mode=3, data=b''):
    return b'8BPS' + struct.pack('>H6xHIIHH', 1, 3, height, width, depth, mode) + bytes(12) + \
        struct.pack('>H', 0) + data


refuse(b'gif-bomb.gif', gif(65535, 65535),
       'GIF larger than the limit: 65535x65535 is 4294836225 pixels, over 178956970 (--max-pixels)')
refuse(b'gif-frame-outside.gif', gif(4, 4, (3, 0, 2, 1)),
       'cannot decode: corrupt GIF: a frame lies outside the image')
refuse(b'gif-no-table.gif', gif(1, 1, table=False), 'cannot decode: corrupt GIF: no colour table')
refuse(b'gif-unknown-block.gif', gif(1, 1, tail=b'\x99;'),
       'cannot decode: corrupt GIF: a block of unknown kind')
refuse(b'gif-no-trailer.gif', gif(1, 1, tail=b''), 'cannot decode: truncated GIF')
refuse(b'psd-bomb.psd', psd(30000, 30000),
       'PSD larger than the limit: 30000x30000 is 900000000 pixels, over 178956970 (--max-pixels)')
refuse(b'psd-short.psd', psd(4, 4, data=bytes(47)), 'cannot decode: truncated PSD')
refuse(b'psd-cmyk.psd', psd(1, 1, mode=4, data=bytes(3)),
       'cannot decode: PSD in a colour mode other than RGB, which pixpool does not read')
refuse(b'psd-deep.psd', psd(1, 1, depth=32, data=bytes(12)),
       'cannot decode: PSD with 32-bit samples, which pixpool does not read')
# Names a terminal would act on, or that are not UTF-8.
refuse(b'title\x1b]0;pwned\x07.jpg', cut(jpg, 0.5), 'cannot decode: truncated JPEG')
refuse(b'clear\x1b[2J\x9b2J.png', cut(pngf, 0.5), 'cannot decode: truncated PNG')
refuse(b'two\nlines.jpg', cut(jpg, 0.5), 'cannot decode: truncated JPEG')
refuse(b'bytes-\xff\xfe.png', cut(pngf, 0.5), 'cannot decode: truncated PNG')
refuse(b'back\\slash.bmp', cut(bmp, 0.5), 'cannot decode: truncated BMP')
refuse(b'not-a-photo.jpg', b'this is text\n',
       'not an image: the content is not JPEG, PNG, BMP, TGA, PNM, GIF, PSD, HEIC, AVIF, WebP, TIFF or RAW')

# HEIC and AVIF: cut short, a box larger than its parent, a forged size.
heic, avif = read('chelsea.heic'), read('chelsea.avif')
write(good, b'phone.heic', heic)
write(good, b'chelsea-heif.avif', avif)
refuse(b'cut-short.heic', cut(heic, 0.6), 'cannot decode: truncated HEIC')
refuse(b'truncated.avif', cut(avif, 0.6), 'cannot decode: truncated AVIF')
meta = heic.index(b'meta') - 4
refuse(b'box-past-parent.heic', heic[:meta + 12] + b'\x7f' + heic[meta + 13:],
       "cannot decode: corrupt HEIC: a box's size does not fit in its parent")
ispe = avif.index(b'ispe')
refuse(b'huge.avif', avif[:ispe + 8] + struct.pack('>II', 100000, 100000) + avif[ispe + 16:],
       'AVIF larger than the limit: 100000x100000 is 10000000000 pixels')

# Canon CR3, ISO-BMFF too: pixpool reads its size from the tracks' CRAW entries
# before libraw sees it. Cut short in moov or in mdat, a trak larger than moov,
# a forged size.
def box(kind, body):
    return struct.pack('>I', 8 + len(body)) + kind + body


def cr3(width, height):
    entry = b'\0' * 6 + struct.pack('>H', 1) + bytes(16) + struct.pack('>HH', width, height)
    stsd = box(b'stsd', struct.pack('>II', 0, 1) + box(b'CRAW', entry + bytes(50)))
    trak = box(b'trak', box(b'mdia', box(b'minf', box(b'stbl', stsd))))
    canon = bytes.fromhex('85c0b687820f11e08111f4ce462b6a48')
    return (box(b'ftyp', b'crx \0\0\0\1crx isom') +
            box(b'moov', box(b'uuid', canon + box(b'CNCV', b'CanonCR3_001')) + trak) +
            box(b'mdat', bytes(4000)))


raw3 = cr3(64, 48)
refuse(b'cut-in-moov.cr3', raw3[:100], 'cannot decode: truncated RAW')
refuse(b'cut-in-mdat.cr3', raw3[:-100],
       'cannot decode: truncated RAW: a box runs past the end of the file')
trak = raw3.index(b'trak') - 4
refuse(b'trak-past-moov.cr3', raw3[:trak] + b'\x7f' + raw3[trak + 1:],
       "cannot decode: corrupt RAW: a CR3 box's size does not fit in its parent")
refuse(b'huge.cr3', cr3(60000, 60000),
       'RAW larger than the limit: 60000x60000 is 3600000000 pixels')


# Fujifilm RAF: a small one libraw develops (a FinePix X100's, 14-bit
# samples of a ramp, uncompressed; tests/make-raf.py says the layout), and
# ones cut short, with the CFA or its header past the end, forged record
# counts and sizes, a pixel bomb, and a SuperCCD sensor's.
def camera_jpeg():
    """chelsea.jpg with an EXIF block first, naming the camera: libraw reads Make from it."""
    make, model = b'FUJIFILM\0', b'FinePix X100\0'
    tiff = b'MM\0*' + struct.pack('>IH', 8, 2) + struct.pack('>HHII', 271, 2, len(make), 38)
    tiff += struct.pack('>HHII', 272, 2, len(model), 38 + len(make)) + bytes(4) + make + model
    exif = b'Exif\0\0' + tiff
    return b'\xff\xd8\xff\xe1' + struct.pack('>H', len(exif) + 2) + exif + jpg[2:]


def raf(records=None, count=None, cfa_at=None, meta_at=None, size=(48, 64)):
    if records is None:
        records = [(0x100, struct.pack('>HH', *size)), (0x121, struct.pack('>HH', *size))]
    meta = struct.pack('>I', len(records) if count is None else count)
    meta += b''.join(struct.pack('>HH', tag, len(data)) + data for tag, data in records)
    cfa = b''.join(struct.pack('>H', (x * 97 + y * 131) % 0x3e00)
                   for y in range(48) for x in range(64))
    thumb = camera_jpeg()
    place = {'jpeg': 0x94, 'meta': 0x94 + len(thumb), 'cfa': 0x94 + len(thumb) + len(meta)}
    head = b'FUJIFILMCCD-RAW 0201FF383501' + b'FinePix X100'.ljust(32, b'\0') + b'0100'
    head = head.ljust(84, b'\0') + struct.pack(
        '>6I', place['jpeg'], len(thumb), place['meta'] if meta_at is None else meta_at, len(meta),
        place['cfa'] if cfa_at is None else cfa_at, len(cfa))
    return head.ljust(0x94, b'\0') + thumb + meta + cfa


fuji = raf()
write(good, b'fuji.raf', fuji)
refuse(b'raf-cut.raf', cut(fuji, 0.9), "cannot decode: truncated RAW: the RAF's CFA lies past the end")
refuse(b'raf-cfa-past-end.raf', raf(cfa_at=0x7fffff00),
       "cannot decode: truncated RAW: the RAF's CFA lies past the end")
refuse(b'raf-header-past-end.raf', raf(meta_at=0x7fffff00), 'cannot decode: truncated RAW')
refuse(b'raf-records.raf', raf(count=100000),
       'cannot decode: corrupt RAW: RAF CFA header of 100000 records')
refuse(b'raf-record-past.raf', raf(count=3), 'cannot decode: corrupt RAW: RAF record 2 runs past its CFA header')
refuse(b'raf-bomb.raf', raf(size=(65535, 65535)),
       'RAW larger than the limit: 65535x65535 is 4294836225 pixels, over 178956970 (--max-pixels)')
refuse(b'raf-superccd.raf', raf(records=[(0x100, struct.pack('>HH', 48, 64)), (0x130, b'\x01\x02\x01\x00')]),
       'cannot decode: RAF of a SuperCCD sensor not supported')

with open(expected_path, 'w', encoding='utf-8') as f:
    f.write(''.join(line + '\n' for line in expected))
