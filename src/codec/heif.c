/*
 * The HEIC and AVIF rows of the format table (format.h): one container,
 * HEIF, read by pixpool's own box reader (bmff.h) for the header, the
 * structure check and the metadata, and by libheif (heif_call.h) for the
 * pixels. The rows differ in their brands and in that only AVIF is
 * written: HEVC's encoder (x265) is GPL and slow, and AVIF is the web's.
 */
#include <stdio.h>
#include <string.h>

#include "base/error.h"
#include "codec/bmff.h"
#include "codec/bytes.h"
#include "codec/exif.h"
#include "codec/format.h"
#include "codec/heif_call.h"
#include "codec/image.h"
#include "codec/meta.h"
#include "codec/probe.h"

#define T_FTYP BMFF_TYPE('f', 't', 'y', 'p')
#define T_AV01 BMFF_TYPE('a', 'v', '0', '1')

/* What an ftyp's brands say: which of the two, or neither. */
enum brands { BRANDS_NONE, BRANDS_HEIC, BRANDS_AVIF };

static int brand_in(uint32_t b, const char *const *list)
{
	for (; *list; list++)
		if (b == be32((const unsigned char *)*list))
			return 1;
	return 0;
}

/*
 * The major brand and the compatible ones within the first n bytes. AVIF's
 * brands win over HEIC's; a file that names only the general image brands
 * (mif1, msf1) is HEIC's until its header says its primary item is AV1
 * (heif_header). A Canon CR3, ISO-BMFF too, names "crx " first: neither.
 */
static enum brands read_brands(const unsigned char *h, size_t n)
{
	static const char *const avif[] = { "avif", "avis", NULL };
	static const char *const heic[] = { "heic", "heix", "heim", "heis", "hevc", "hevx",
					    "mif1", "msf1", NULL };
	size_t size, end;
	enum brands found = BRANDS_NONE;

	if (n < 16 || be32(h + 4) != T_FTYP || !memcmp(h + 8, "crx ", 4))
		return BRANDS_NONE;
	size = be32(h);
	if (size < 16)
		return BRANDS_NONE;
	end = size < n ? size : n;
	for (size_t at = 8; at + 4 <= end; at += at == 8 ? 8 : 4) {
		uint32_t b = be32(h + at);

		if (brand_in(b, avif))
			return BRANDS_AVIF;
		if (brand_in(b, heic))
			found = BRANDS_HEIC;
	}
	return found;
}

static int heic_sniff(const unsigned char *h, size_t n)
{
	return read_brands(h, n) == BRANDS_HEIC;
}

static int avif_sniff(const unsigned char *h, size_t n)
{
	return read_brands(h, n) == BRANDS_AVIF;
}

/*
 * The box reader says "corrupt HEIF" and "truncated HEIF"; the user reads
 * the row's name, as for every other format ("truncated AVIF").
 */
static int own_words(enum format format)
{
	static const char *const kinds[] = { "corrupt HEIF", "truncated HEIF" };
	char said[ERROR_MAX];

	snprintf(said, sizeof(said), "%s", error_message());
	for (size_t k = 0; k < 2; k++) {
		size_t word = strcspn(kinds[k], " "), len = strlen(kinds[k]);

		if (!strncmp(said, kinds[k], len))
			return error("%.*s %s%s", (int)word, said, format_name(format), said + len);
	}
	return -1;
}

/* The size after the container's transforms, and the channels the decode gives. */
static int heif_header(struct probe *p, const unsigned char *d, size_t n)
{
	struct bmff h;
	int ret = bmff_header(&h, d, n);

	if (ret < 0)
		return own_words(p->format);
	if (ret != 0)
		return ret;
	/* The coding decides, whatever the brands said (mif1 names neither). */
	p->format = h.coded == T_AV01 ? FORMAT_AVIF : FORMAT_HEIC;
	p->width = h.width;
	p->height = h.height;
	p->channels = h.alpha ? 4 : 3;
	p->bits = h.bits;	/* pixi's; libheif hands 10 and 12 bits over in 16 */
	return 0;
}

static int heif_complete(struct probe *p, const unsigned char *d, size_t n)
{
	struct bmff h;

	if (bmff_header(&h, d, n) != 0)
		return error("truncated %s", format_name(p->format));
	return bmff_complete(&h, d, n) < 0 ? own_words(p->format) : 0;
}

static int heif_decode(struct image *img, const struct probe *p, const unsigned char *d,
		       size_t n, int shrink)
{
	(void)shrink;
	return heif_call_decode(img, d, n, p->width, p->height, format_name(p->format));
}

/*
 * The metadata, read with pixpool's own box reader (so that pixpool info
 * reads it without libheif): the colr box's profile, the Exif item (after
 * the 4-byte offset of its TIFF header) and the XMP item.
 */
static void collect_exif(struct meta *m, const struct bmff *h, const unsigned char *d,
			 size_t n)
{
	struct buffer item = BUFFER_INIT;
	uint32_t skip;

	m->had = 1;
	if (bmff_item_copy(h, d, n, h->exif_item, &item, META_EXIF_MAX + 4 + 64) < 0 ||
	    item.len < 4 || (skip = be32(item.data)) > item.len - 4) {
		meta_warn(m, "%s: malformed or too large an Exif item, dropped", "EXIF");
		buffer_release(&item);
		return;
	}
	meta_keep(m, &m->exif, item.data + 4 + skip, item.len - 4 - skip, META_EXIF_MAX, "EXIF");
	buffer_release(&item);
}

/*
 * HEIF's transforms (irot, imir) turn the pixels, and its EXIF Orientation
 * only describes: the decode applied the transforms, so the output is
 * upright and its EXIF must say so, or a viewer would turn it again.
 */
static void exif_upright(struct meta *m)
{
	struct exif x;

	if (!m->exif.len || exif_parse(&x, m->exif.data, m->exif.len) < 0) {
		error_clear();	/* meta_prepare drops it, saying why */
		return;
	}
	m->changed |= exif_set_upright(&x);
}

static void heif_meta_collect(struct meta *m, const unsigned char *d, size_t n)
{
	struct bmff h;

	if (bmff_header(&h, d, n) != 0) {
		error_clear();
		return;
	}
	if (h.icc.len)
		meta_keep(m, &m->icc, d + h.icc.at, h.icc.len, META_ICC_MAX, "ICC profile");
	if (h.exif_item)
		collect_exif(m, &h, d, n);
	exif_upright(m);
	if (h.xmp_item) {
		m->had = 1;
		if (bmff_item_copy(&h, d, n, h.xmp_item, &m->xmp, META_XMP_MAX) < 0) {
			buffer_release(&m->xmp);
			meta_warn(m, "%s: malformed or too large an item, dropped", "XMP");
		}
	}
}

static int avif_encode(const struct image *img, const struct encode_options *o,
		       struct buffer *buf)
{
	struct avif_settings s = { format_quality(&format_avif, o), o->avif_speed, o->meta };

	return heif_call_encode_avif(img, &s, buf);
}

static const char *const heic_extensions[] = { "heic", "heif", "hif", NULL };
static const char *const heic_words[] = { "heic", NULL };
static const char *const avif_extensions[] = { "avif", NULL };
static const char *const avif_words[] = { "avif", NULL };

const struct format_row format_heic = {
	.name = "HEIC",
	.ext = "heic",
	.words = heic_words,
	.extensions = heic_extensions,
	.sniff = heic_sniff,
	.header = heif_header,
	.complete = heif_complete,
	.decode = heif_decode,
	.written_as = FORMAT_JPEG,
	.meta_parts = FORMAT_META_EXIF | FORMAT_META_XMP | FORMAT_META_ICC,
	.meta_collect = heif_meta_collect,
};

/*
 * AV1's own limit on a side is 65536; libheif writes larger images as
 * grids, which pixpool does not, so 65535 as everywhere.
 */
const struct format_row format_avif = {
	.name = "AVIF",
	.ext = "avif",
	.words = avif_words,
	.extensions = avif_extensions,
	.sniff = avif_sniff,
	.header = heif_header,
	.complete = heif_complete,
	.decode = heif_decode,
	.encode = avif_encode,
	.max_side = 65535,
	.default_quality = AVIF_QUALITY_DEFAULT,
	.meta_parts = FORMAT_META_EXIF | FORMAT_META_XMP | FORMAT_META_ICC,
	.meta_collect = heif_meta_collect,
};
