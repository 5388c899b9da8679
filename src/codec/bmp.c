/* BMP's row of the format table (format.h): read and written, without metadata. */
#include <limits.h>

#include "base/error.h"
#include "codec/bytes.h"
#include "codec/format.h"
#include "codec/image.h"
#include "codec/probe.h"
#include "codec/stb.h"

static int bmp_sniff(const unsigned char *h, size_t n)
{
	return n >= 14 && h[0] == 'B' && h[1] == 'M';
}

/* The header sizes stb_image reads: OS/2 1.x, Windows 3 and the V2 to V5 headers. */
static int header_known(uint32_t size)
{
	return size == 12 || size == 40 || size == 56 || size == 108 || size == 124;
}

static int bmp_header(struct probe *p, const unsigned char *d, size_t n)
{
	uint32_t hsz;
	int32_t w, h;

	if (n < 26)
		return PROBE_MORE;
	hsz = le32(d + 14);
	if (!header_known(hsz))
		return error("BMP with an unknown header size, which pixpool does not read");
	w = hsz == 12 ? (int32_t)le16(d + 18) : (int32_t)le32(d + 18);
	h = hsz == 12 ? (int32_t)le16(d + 20) : (int32_t)le32(d + 22);
	/* A negative height is a top-down BMP; stb_image takes abs(), so not INT32_MIN. */
	if (w <= 0 || h == 0 || h == INT32_MIN)
		return error("corrupt BMP: bad width or height");
	p->width = (uint32_t)w;
	p->height = h < 0 ? (uint32_t)-h : (uint32_t)h;
	p->channels = 3;	/* until bmp_complete has read the masks */
	return 0;
}

/* Bytes in one row of pixels, before padding, as stb_image reads them; 0 for depths it refuses. */
static uint64_t row_bytes(uint32_t width, unsigned bpp)
{
	switch (bpp) {
	case 1: return ((uint64_t)width + 7) / 8;
	case 4: return ((uint64_t)width + 1) / 2;
	case 8: return width;
	case 16: return 2 * (uint64_t)width;
	case 24: return 3 * (uint64_t)width;
	case 32: return 4 * (uint64_t)width;
	default: return 0;
	}
}

/*
 * The colours in a BMP's palette as stb_image counts them, from the offset
 * of the pixel data: a quotient truncated for OS/2 headers, and shifted
 * right (so rounded down) for the others. It refuses 0 and more than 256,
 * but not a negative count, which leaves it no palette at all.
 */
static int64_t palette_size(const unsigned char *d)
{
	int64_t start = (int32_t)le32(d + 10), hsz = le32(d + 14);
	int64_t room = start - 14 - hsz;

	if (hsz == 12)
		return (start - 14 - 24) / 3;
	return room >= 0 ? room / 4 : -((-room + 3) / 4);
}

/*
 * stb_image keeps a BMP's palette in an uninitialised array of 256 colours
 * on the stack, and looks up every index the pixels hold: an index past the
 * palette would show whatever an earlier call left there. Such a file is
 * refused. Only called once every row is known to be there.
 */
static int check_indices(const struct probe *p, const unsigned char *d, unsigned bpp)
{
	int64_t colours = palette_size(d);
	uint64_t start = le32(d + 10), stride = (row_bytes(p->width, bpp) + 3) & ~(uint64_t)3;

	if (colours == 0 || colours > 256 || colours >= 1 << bpp)
		return 0;
	if (colours < 0)
		return error("corrupt BMP: no room for its palette");
	for (uint64_t y = 0; y < p->height; y++) {
		const unsigned char *row = d + start + y * stride;

		for (uint64_t x = 0; x < p->width; x++) {
			uint64_t bit = x * bpp;
			unsigned v = row[bit / 8] >> (8 - bpp - bit % 8) & ((1u << bpp) - 1);

			if (v >= colours)
				return error("corrupt BMP: a pixel names a colour past its palette");
		}
	}
	return 0;
}

/*
 * The channels stb_image gives: 4 where the header has an alpha mask (a
 * 32-bit Windows 3 file without bit fields has one by default), 3 otherwise,
 * and 3 for a 24-bit file whatever its mask says.
 */
static int channels(const unsigned char *d, uint32_t hsz, unsigned bpp, unsigned compression)
{
	uint32_t alpha = 0;

	if (hsz == 108 || hsz == 124)
		alpha = le32(d + 66);
	if ((hsz == 40 || hsz == 56) && compression == 0 && bpp == 32)
		alpha = 0xff000000u;
	if ((hsz == 108 || hsz == 124) && compression == 0 && bpp != 16)
		alpha = bpp == 32 ? 0xff000000u : 0;
	if (bpp == 24 && alpha == 0xff000000u)
		return 3;
	return alpha ? 4 : 3;
}

/*
 * The header as stb_image reads it before any pixel, refused in the words
 * stb's failure would have been given (stb_call.c): compression it does not
 * read, and fields it calls a bad BMP.
 */
/* The 32-bit field at at, or 0 past the end of the file, as stb_image reads it. */
static uint32_t field(const unsigned char *d, size_t n, uint64_t at)
{
	return bytes_fit(n, at, 4) ? le32(d + at) : 0;
}

static int check_header(const unsigned char *d, size_t n, uint32_t hsz, unsigned bpp,
			uint32_t compression)
{
	/* stb reads a V2 header's (56 bytes) bit fields 16 bytes further on. */
	uint64_t masks = hsz == 56 ? 70 : 54;

	if ((int32_t)le32(d + 10) < 0 || le16(d + (hsz == 12 ? 22 : 26)) != 1)
		return error("corrupt BMP");
	if (hsz == 12)
		return 0;
	if (compression == 1 || compression == 2)
		return error("BMP compressed with RLE that pixpool does not read");
	if (compression >= 4)
		return error("BMP holding JPEG or PNG data that pixpool does not read");
	if (compression == 3 && bpp != 16 && bpp != 32)
		return error("corrupt BMP");
	/* Bit fields of a Windows 3 header that give every colour the same bits. */
	if ((hsz == 40 || hsz == 56) && compression == 3 &&
	    field(d, n, masks) == field(d, n, masks + 4) &&
	    field(d, n, masks + 4) == field(d, n, masks + 8))
		return error("corrupt BMP");
	return 0;
}

/*
 * Rows are padded to 4 bytes; the last row's padding is not required, as
 * some writers leave it out. Compressed BMPs are refused as stb_image
 * would refuse them, before their rows are looked at.
 */
static int bmp_complete(struct probe *p, const unsigned char *d, size_t n)
{
	uint32_t hsz = le32(d + 14), start = le32(d + 10), compression = 0;
	unsigned bpp;
	uint64_t row;

	if (n < 14 + (uint64_t)hsz)
		return error("truncated %s", format_name(p->format));
	bpp = le16(d + (hsz == 12 ? 24 : 28));
	if (hsz != 12)
		compression = le32(d + 30);
	p->channels = channels(d, hsz, bpp, compression);
	row = row_bytes(p->width, bpp);
	if ((compression != 0 && compression != 3) || !row)
		return check_header(d, n, hsz, bpp, compression);
	if (start < 14 + hsz)
		start = 14 + hsz;
	if (n < start + ((row + 3) & ~(uint64_t)3) * (p->height - 1) + row)
		return error("truncated %s", format_name(p->format));
	if (bpp <= 8 && check_indices(p, d, bpp) < 0)
		return -1;
	return check_header(d, n, hsz, bpp, compression);
}

static int bmp_decode(struct image *img, const struct probe *p, const unsigned char *d,
		      size_t n, int shrink)
{
	(void)shrink;
	return stb_decode(img, p, d, n);
}

/* A BMP stores its file size in 32 bits, at up to 4 bytes a pixel and 3 of padding a row. */
static int bmp_encode(const struct image *img, const struct encode_options *o,
		      struct buffer *buf)
{
	(void)o;
	if ((4 * (uint64_t)img->width + 3) * (uint64_t)img->height + 122 > INT_MAX)
		return image_refuse_encode(img, FORMAT_BMP,
					   "more than 2 GiB of pixels, over what the encoder takes");
	return stb_encode_bmp(img, buf);
}

static const char *const bmp_extensions[] = { "bmp", NULL };
static const char *const bmp_words[] = { "bmp", NULL };

const struct format_row format_bmp = {
	.name = "BMP",
	.ext = "bmp",
	.words = bmp_words,
	.extensions = bmp_extensions,
	.sniff = bmp_sniff,
	.header = bmp_header,
	.complete = bmp_complete,
	.decode = bmp_decode,
	.encode = bmp_encode,
};
