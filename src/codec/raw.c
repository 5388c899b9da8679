/*
 * Camera RAW's row of the format table (format.h): read through libraw
 * (raw_call.c), never written.
 *
 * Which files are RAWs, from their bytes alone: CR2 (a TIFF header with
 * "CR" at byte 8), ORF ("IIRO", "IIRS", "MMOR"), RW2 ("IIU\0"), CR3 (an
 * ISO-BMFF file of brand "crx ") and RAF ("FUJIFILMCCD-RAW") by their first
 * bytes; DNG, NEF, ARW, PEF and others start as any TIFF does, and are
 * told apart by the TIFF row's header, which asks raw_tiff_scan: a
 * DNGVersion tag in IFD0, or an IFD (IFD0 or one of its SubIFDs) of
 * colour-filter-array or linear raw samples, makes the file a RAW.
 *
 * The size the parent knows, before any decoder runs, is that of the
 * largest image in those IFDs: the sensor's, an upper bound of what libraw
 * develops (for a CR2, whose raw IFD gives no size, its full-size preview).
 * A CR3 keeps its sizes in ISO-BMFF boxes, which cr3.c reads; a RAF's
 * come from its CFA header, which raf.c reads.
 */
#include <string.h>

#include "base/error.h"
#include "codec/bytes.h"
#include "codec/cr3.h"
#include "codec/format.h"
#include "codec/ifd.h"
#include "codec/image.h"
#include "codec/probe.h"
#include "codec/raf.h"
#include "codec/raw.h"
#include "codec/raw_call.h"

#define PHOTOMETRIC_CFA 32803
#define PHOTOMETRIC_LINEAR_RAW 34892
#define MAGIC_RW2 0x55
/* RW2 keeps the sensor's size in tags of its own. */
#define RW2_TAG_WIDTH 0x0002
#define RW2_TAG_HEIGHT 0x0003

/* IFDs looked at: the chain's first, and each one's SubIFDs. No camera writes more. */
#define SCAN_CHAIN 4
#define SCAN_SUBIFDS 8

static int is_cr2(const unsigned char *h, size_t n)
{
	return n >= 10 && !memcmp(h, "II*\0", 4) && h[8] == 'C' && h[9] == 'R';
}

static int raw_sniff(const unsigned char *h, size_t n)
{
	return is_cr2(h, n) || cr3_sniff(h, n) || raf_sniff(h, n) ||
	       (n >= 8 && (!memcmp(h, "IIRO", 4) || !memcmp(h, "IIRS", 4) ||
			   !memcmp(h, "MMOR", 4) || !memcmp(h, "IIU\0", 4)));
}

/* What the scan found so far. */
struct scan {
	int check;		/* the whole file: each raw IFD's data must lie in it */
	int raw;
	uint32_t width, height;
};

/* One IFD: whether it holds raw samples, and its size if it is the largest yet. */
static int scan_ifd(struct scan *s, const struct ifd_file *f, const struct ifd *dir)
{
	uint32_t w, h, photometric;
	int rw2 = f->magic == MAGIC_RW2;
	int ret = ifd_get(f, dir, rw2 ? RW2_TAG_WIDTH : IFD_TAG_WIDTH, 0, &w);

	ret = ret ? ret : ifd_get(f, dir, rw2 ? RW2_TAG_HEIGHT : IFD_TAG_HEIGHT, 0, &h);
	ret = ret ? ret : ifd_get(f, dir, IFD_TAG_PHOTOMETRIC, 0, &photometric);
	if (ret)
		return ret;
	if (photometric == PHOTOMETRIC_CFA || photometric == PHOTOMETRIC_LINEAR_RAW) {
		s->raw = 1;
		if (s->check && ifd_data_complete(f, dir, 1, "RAW") < 0)
			return -1;
	}
	if ((uint64_t)w * h > (uint64_t)s->width * s->height) {
		s->width = w;
		s->height = h;
	}
	return 0;
}

/* The SubIFDs dir points at (DNG and NEF keep the raw there). */
static int scan_subifds(struct scan *s, const struct ifd_file *f, const struct ifd *dir)
{
	struct ifd_entry e;
	struct ifd sub;

	if (!ifd_find(f, dir, IFD_TAG_SUBIFDS, &e))
		return 0;
	for (uint32_t i = 0; i < e.count && i < SCAN_SUBIFDS; i++) {
		uint32_t at;
		int ret = ifd_value(f, &e, i, &at);

		ret = ret ? ret : ifd_read(f, at, &sub);
		ret = ret ? ret : scan_ifd(s, f, &sub);
		if (ret)
			return ret;
	}
	return 0;
}

/* What the header says libraw develops into: at most width x height, RGB. */
static void developed_size(struct probe *p, uint32_t width, uint32_t height)
{
	p->format = FORMAT_RAW;
	p->width = width;
	p->height = height;
	p->channels = 3;
	p->bits = 16;	/* libraw develops at 16 bits: the memory estimate counts them */
}

/* "corrupt RAW: " before what the IFD reader said, unless it named the RAW already. */
static int corrupt(void)
{
	const char *why = error_message();

	if (!strncmp(why, "truncated RAW", 13) || !strncmp(why, "corrupt RAW", 11))
		return -1;
	return error_prefix("corrupt RAW");
}

int raw_tiff_scan(struct probe *p, const struct ifd_file *f, int chain, int *found)
{
	struct scan s = { chain > 1, 0, 0, 0 };
	struct ifd dir;
	uint32_t at = f->first;
	int ret = 0;

	for (int i = 0; at && i < (chain ? SCAN_CHAIN : 1) && !ret; i++, at = dir.next) {
		ret = ifd_read(f, at, &dir);
		ret = ret ? ret : scan_ifd(&s, f, &dir);
		ret = ret ? ret : scan_subifds(&s, f, &dir);
		if (!ret && i == 0 && ifd_find(f, &dir, IFD_TAG_DNG_VERSION, &(struct ifd_entry){ 0 }))
			s.raw = 1;
	}
	if (ret)
		return ret < 0 ? corrupt() : ret;
	*found = s.raw || chain;
	if (!*found)
		return 0;
	if (!s.width || !s.height)
		return error("corrupt RAW: no size in its IFDs");
	developed_size(p, s.width, s.height);
	return 0;
}

/* A CR3's size, from its tracks. */
static int cr3_probe(struct probe *p, const unsigned char *d, size_t n)
{
	struct cr3 h;
	int ret = cr3_header(&h, d, n);

	if (ret == 0)
		developed_size(p, h.width, h.height);
	return ret;
}

static int raw_header(struct probe *p, const unsigned char *d, size_t n)
{
	struct ifd_file f;
	int found, ret;

	if (cr3_sniff(d, n))
		return cr3_probe(p, d, n);
	if (raf_sniff(d, n))
		return raf_header(p, d, n);
	ret = ifd_open(&f, d, n);
	if (ret < 0)
		return corrupt();
	return ret ? ret : raw_tiff_scan(p, &f, 1, &found);
}

/*
 * raw_header, with the data of every raw IFD, a CR3's samples or a RAF's
 * JPEG and CFA checked to lie within the file; libraw bounds its own reads
 * of the rest.
 */
static int raw_complete(struct probe *p, const unsigned char *d, size_t n)
{
	struct probe again = *p;
	struct ifd_file f;
	int found, ret;

	if (cr3_sniff(d, n)) {
		struct cr3 h;

		ret = cr3_header(&h, d, n);
		if (ret == PROBE_MORE)
			return error("truncated RAW");
		return ret ? ret : cr3_complete(d, n) ? -1 : cr3_samples_complete(&h, d, n);
	}
	if (raf_sniff(d, n))
		return raf_complete(&again, d, n);
	ret = ifd_open(&f, d, n);
	ret = ret ? ret : raw_tiff_scan(&again, &f, 2, &found);
	if (ret == PROBE_MORE)
		return error("truncated RAW");
	return ret;
}

static int raw_decode_row(struct image *img, const struct probe *p, const unsigned char *d,
			  size_t n, int shrink)
{
	(void)shrink;
	/*
	 * A CR3's largest track and a RAF's full size are the sensor's: libraw
	 * develops no more (6024x4020 of a CR3's 6288x4056).
	 */
	if (raf_sniff(d, n) || cr3_sniff(d, n))
		return raw_decode_within(img, d, n, p->width, p->height);
	return raw_decode(img, d, n);
}

/*
 * The block --autoorient obeys: a CR3's IFD0 (its CMT1 box), a RAF's
 * embedded JPEG's EXIF, or a TIFF-based RAW's own, ORF and RW2 with their
 * own magic numbers.
 */
static int raw_exif(const unsigned char *d, size_t n, const unsigned char **block, size_t *len)
{
	struct cr3 h;

	if (raf_sniff(d, n))
		return raf_exif(d, n, block, len);
	if (!cr3_sniff(d, n) && n >= 8 && d[0] == d[1] && (d[0] == 'I' || d[0] == 'M')) {
		*block = d;
		*len = n;
		return 1;
	}
	if (!cr3_sniff(d, n))
		return 0;
	if (cr3_header(&h, d, n)) {
		error_clear();
		return 0;
	}
	if (!h.ifd0_len)
		return 0;
	*block = d + h.ifd0_at;
	*len = h.ifd0_len;
	return 1;
}

static const char *const raw_extensions[] = {
	"dng", "cr2", "cr3", "nef", "nrw", "arw", "srf", "sr2", "pef", "orf", "rw2", "raf", NULL
};
static const char *const raw_words[] = { "raw", NULL };

const struct format_row format_raw = {
	.name = "RAW",
	.ext = "dng",
	.words = raw_words,
	.extensions = raw_extensions,
	.sniff = raw_sniff,
	.header = raw_header,
	.complete = raw_complete,
	.far_offset = raf_meta_offset,
	.far_header = raf_header_window,
	.decode = raw_decode_row,
	.exif = raw_exif,
	.written_as = FORMAT_JPEG,
};
