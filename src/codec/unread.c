/* Photo formats pixpool does not read, by first bytes and names (unread.h). */
#include "codec/unread.h"

#include <string.h>
#include <strings.h>

#include "codec/format.h"

#define NOT_READ(name) name, name ": not a format pixpool reads"
#define MAGIC(at, bytes) at, bytes, sizeof(bytes) - 1

static const char *const jxl[] = { "jxl", NULL };
static const char *const raw[] = {
	"3fr", "arw", "cr2", "cr3", "crw", "dcr", "dng", "erf", "iiq", "kdc", "mos", "mrw",
	"nef", "nrw", "orf", "pef", "raf", "raw", "rw2", "rwl", "sr2", "srf", "srw", "x3f", NULL
};
static const char *const jp2[] = { "jp2", "j2k", "j2c", "jpc", "jpf", "jpx", NULL };
static const char *const jxr[] = { "jxr", "wdp", "hdp", NULL };
static const char *const psb[] = { "psb", NULL };
static const char *const exr[] = { "exr", NULL };
static const char *const hdr[] = { "hdr", NULL };
static const char *const ico[] = { "ico", NULL };

/*
 * One row a magic number; a format with several has a row for each, the
 * first holding its extensions. The camera RAWs left here are those whose
 * size pixpool cannot read before decoding (X3F, MRW, CRW) and those named
 * like one that no row takes; the RAW row (raw.c) reads the others.
 */
static const struct unread formats[] = {
	{ NOT_READ("JPEG XL"), MAGIC(0, "\xff\x0a"), jxl },
	{ NOT_READ("JPEG XL"), MAGIC(0, "\0\0\0\x0cJXL \r\n\x87\n"), NULL },
	{ NOT_READ("camera RAW"), MAGIC(0, "FOVb"), raw },
	{ NOT_READ("camera RAW"), MAGIC(0, "\0MRM"), NULL },
	{ NOT_READ("camera RAW"), MAGIC(6, "HEAPCCDR"), NULL },
	{ NOT_READ("JPEG 2000"), MAGIC(0, "\0\0\0\x0cjP  \r\n\x87\n"), jp2 },
	{ NOT_READ("JPEG 2000"), MAGIC(0, "\xff\x4f\xff\x51"), NULL },
	{ NOT_READ("JPEG XR"), MAGIC(0, "II\xbc"), jxr },
	{ NOT_READ("PSB"), MAGIC(0, "8BPS\0\x02"), psb },
	{ NOT_READ("OpenEXR"), MAGIC(0, "\x76\x2f\x31\x01"), exr },
	{ NOT_READ("Radiance HDR"), MAGIC(0, "#?RADIANCE"), hdr },
	{ NOT_READ("Radiance HDR"), MAGIC(0, "#?RGBE"), NULL },
	{ NOT_READ("ICO"), 0, NULL, 0, ico },
};

#define NFORMATS (sizeof(formats) / sizeof(formats[0]))

_Static_assert(sizeof("\0\0\0\x0cJXL \r\n\x87\n") - 1 <= SNIFF_BYTES,
	       "a magic number lies past the bytes the walk reads");

/* An extension no row of the table claims. */
static const struct unread *by_name(const char *name)
{
	const char *base = strrchr(name, '/'), *dot;

	dot = strrchr(base ? base + 1 : name, '.');
	if (!dot || format_of_extension(dot + 1) != FORMAT_NONE)
		return NULL;
	for (size_t i = 0; i < NFORMATS; i++)
		for (const char *const *e = formats[i].extensions; e && *e; e++)
			if (!strcasecmp(*e, dot + 1))
				return &formats[i];
	return NULL;
}

static const struct unread *by_bytes(const unsigned char *head, size_t n)
{
	if (n > SNIFF_BYTES)
		n = SNIFF_BYTES;
	for (size_t i = 0; i < NFORMATS; i++) {
		const struct unread *u = &formats[i];

		if (u->magic && u->at + u->magic_len <= n &&
		    !memcmp(head + u->at, u->magic, u->magic_len))
			return u;
	}
	return NULL;
}

/*
 * After the table, both ways: bytes a row reads, or a name a row claims,
 * are that row's. The name before the bytes.
 */
const struct unread *unread_of(const unsigned char *head, size_t n, const char *name)
{
	const struct unread *u = name ? by_name(name) : NULL;

	if (format_of(head, n) != FORMAT_NONE)
		return NULL;
	return u ? u : by_bytes(head, n);
}
