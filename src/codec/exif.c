/* EXIF: the TIFF structure of a photo's metadata, checked, then edited in place. */
#include "codec/exif.h"

#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "codec/bytes.h"

#define TAG_ORIENTATION 0x0112
#define TAG_EXIF_IFD 0x8769
#define TAG_GPS_IFD 0x8825
#define TAG_INTEROP_IFD 0xa005
#define TAG_XDIM 0xa002
#define TAG_YDIM 0xa003
#define TAG_THUMB_OFFSET 0x0201
#define TAG_THUMB_LENGTH 0x0202

#define TYPE_ASCII 2
#define TYPE_SHORT 3
#define TYPE_LONG 4

/* No camera nests IFDs deeper than this (IFD0 > Exif > Interop). */
#define MAX_DEPTH 3

enum ifd_kind { IFD_MAIN, IFD_THUMB, IFD_EXIF, IFD_GPS, IFD_INTEROP };

/* The state of one check; the IFDs seen are kept in x->ifd_at, so a loop is caught. */
struct walk {
	struct exif *x;
	int ifd0_only;		/* IFD0's entries alone, not the values nor IFDs they point at */
	/*
	 * For exif_scrub: at each offset, how many linked parts begin there
	 * less how many end there, so that marking costs one step a part
	 * however long it is and however many parts overlap.
	 */
	int32_t *cover;
};

static unsigned rd16(const struct exif *x, size_t at)
{
	return (unsigned)get16(x->t + at, x->big);
}

static uint32_t rd32(const struct exif *x, size_t at)
{
	return get32(x->t + at, x->big);
}

static void wr16(struct exif *x, size_t at, unsigned v)
{
	put16(x->t + at, v, x->big);
}

static void wr32(struct exif *x, size_t at, uint32_t v)
{
	put32(x->t + at, v, x->big);
}

/* Bytes of one value of a TIFF type; 0 for a type TIFF does not define. */
static unsigned type_size(unsigned type)
{
	static const unsigned char size[] = { 0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4 };

	return type < sizeof(size) ? size[type] : 0;
}

/*
 * Whether len bytes at at lie inside the block. The edits below check again
 * what exif_parse checked: in a forged block IFDs may overlap, so that one
 * edit rewrites a count or an offset that another then reads.
 */
static int fits(const struct exif *x, uint64_t at, uint64_t len)
{
	return bytes_fit(x->n, at, len);
}

/* Notes that the bytes from start to end, checked to lie in the block, are in use. */
static void extend(struct walk *w, enum ifd_kind kind, size_t start, size_t end)
{
	struct exif *x = w->x;

	if (w->cover && start < end && end <= x->n) {
		w->cover[start]++;
		w->cover[end]--;
	}
	if (kind != IFD_THUMB && end > x->kept_end)
		x->kept_end = end;
	if (kind == IFD_THUMB && (!x->thumb_start || start < x->thumb_start))
		x->thumb_start = start;
}

/*
 * Where the value of the entry at e lies, checked: inline in the entry when
 * it fits in 4 bytes, else at an offset that must hold all of it.
 */
static int entry_value(struct walk *w, size_t e, enum ifd_kind kind)
{
	struct exif *x = w->x;
	uint64_t bytes = (uint64_t)type_size(rd16(x, e + 2)) * rd32(x, e + 4);
	uint32_t at = rd32(x, e + 8);

	if (bytes <= 4)
		return 0;
	if (at < 8 || at > x->n || bytes > x->n - at)
		return error("tag 0x%04x has its value outside the block", rd16(x, e));
	extend(w, kind, at, at + (size_t)bytes);
	return 0;
}

static int walk_ifd(struct walk *w, size_t at, enum ifd_kind kind, int depth);

/*
 * Records the tags pixpool reads or edits, and follows the pointers to
 * sub-IFDs. Where a tag is there twice, the first is the one read, as
 * exiftool reads it.
 */
static int note_entry(struct walk *w, size_t e, enum ifd_kind kind, int depth)
{
	struct exif *x = w->x;
	unsigned tag = rd16(x, e);

	x->gps_pointers += tag == TAG_GPS_IFD;
	if (kind == IFD_MAIN && (tag == TAG_EXIF_IFD || tag == TAG_GPS_IFD) && w->ifd0_only)
		return 0;
	if (kind == IFD_MAIN && (tag == TAG_EXIF_IFD || tag == TAG_GPS_IFD)) {
		if (tag == TAG_EXIF_IFD && !x->exif_ifd)
			x->exif_ifd = rd32(x, e + 8);
		if (tag == TAG_GPS_IFD) {
			x->gps_entry = e;
			x->gps_ifd = rd32(x, e + 8);
		}
		return walk_ifd(w, rd32(x, e + 8), tag == TAG_GPS_IFD ? IFD_GPS : IFD_EXIF,
				depth + 1);
	}
	if (kind == IFD_EXIF && tag == TAG_INTEROP_IFD)
		return walk_ifd(w, rd32(x, e + 8), IFD_INTEROP, depth + 1);
	if (kind == IFD_MAIN) {
		size_t *slot = tag == TAG_ORIENTATION ? &x->orientation : tag == EXIF_TAG_MAKE ? &x->make
			: tag == EXIF_TAG_MODEL ? &x->model : tag == EXIF_TAG_DATETIME ? &x->datetime
			: tag == EXIF_TAG_COPYRIGHT ? &x->copyright : NULL;
		if (slot && !*slot)
			*slot = e;
	}
	if (kind == IFD_EXIF && (tag == TAG_XDIM || tag == TAG_YDIM || tag == EXIF_TAG_ORIGINAL)) {
		size_t *slot = tag == TAG_XDIM ? &x->xdim : tag == TAG_YDIM ? &x->ydim : &x->original;

		if (!*slot)
			*slot = e;
	}
	return 0;
}

/* The JPEG thumbnail of IFD1, whose offset and length are two separate tags. */
static int note_thumbnail(struct walk *w, size_t ifd, unsigned count)
{
	struct exif *x = w->x;
	uint32_t at = 0, len = 0;

	for (unsigned i = 0; i < count; i++) {
		size_t e = ifd + 2 + 12 * (size_t)i;

		if (rd16(x, e) == TAG_THUMB_OFFSET)
			at = rd32(x, e + 8);
		if (rd16(x, e) == TAG_THUMB_LENGTH)
			len = rd32(x, e + 8);
	}
	if (!len)
		return 0;
	if (at < 8 || at > x->n || len > x->n - at)
		return error("thumbnail outside the block");
	x->thumb_bytes = len;
	extend(w, IFD_THUMB, at, at + len);
	return 0;
}

static int seen_before(struct exif *x, size_t at)
{
	for (int i = 0; i < x->ifds; i++)
		if (x->ifd_at[i] == at)
			return error("IFD at %zu is reached twice (a loop)", at);
	if (x->ifds == EXIF_MAX_IFDS)
		return error("more than %d IFDs", EXIF_MAX_IFDS);
	x->ifd_at[x->ifds++] = at;
	return 0;
}

/* Checks the IFD at offset at, of kind, then each of its entries. */
static int walk_ifd(struct walk *w, size_t at, enum ifd_kind kind, int depth)
{
	struct exif *x = w->x;
	unsigned count;

	if (depth > MAX_DEPTH)
		return error("IFDs nested deeper than %d", MAX_DEPTH);
	if (at < 8 || at > x->n || x->n - at < 2)
		return error("IFD offset %zu outside the block", at);
	if (seen_before(x, at) < 0)
		return -1;
	count = rd16(x, at);
	/* Reading IFD0 alone, the entries a cut block still holds are read. */
	if (w->ifd0_only && (x->n - at - 2) / 12 < count)
		count = (unsigned)((x->n - at - 2) / 12);
	else if ((x->n - at - 2) / 12 < count || x->n - at - 2 - 12 * (size_t)count < 4)
		return error("IFD at %zu runs past the block", at);
	extend(w, kind, at, at + 2 + 12 * (size_t)count + 4);
	for (unsigned i = 0; i < count; i++) {
		size_t e = at + 2 + 12 * (size_t)i;

		if ((!w->ifd0_only && entry_value(w, e, kind) < 0) ||
		    note_entry(w, e, kind, depth) < 0)
			return -1;
	}
	return kind == IFD_THUMB ? note_thumbnail(w, at, count) : 0;
}

/* IFD0, IFD1 and any further IFDs of the main chain. */
static int walk_chain(struct walk *w)
{
	struct exif *x = w->x;
	size_t at = rd32(x, 4);
	enum ifd_kind kind = IFD_MAIN;

	x->ifd0 = at;
	while (at) {
		if (walk_ifd(w, at, kind, 0) < 0)
			return -1;
		if (kind == IFD_THUMB)
			x->ifd1 = at;
		at = rd32(x, at + 2 + 12 * (size_t)rd16(x, at));
		kind = IFD_THUMB;
	}
	return 0;
}

/* The TIFF header: its byte order, and where IFD0 is. */
/*
 * Whether t begins as an Olympus ORF ("IIRO", "IIRS", "MMOR") or a Panasonic
 * RW2 ("IIU\0") does: TIFF structures under magic numbers of their own,
 * whose IFD0 holds the Orientation as a TIFF's does.
 */
static int camera_magic(const unsigned char *t)
{
	return !memcmp(t, "IIRO", 4) || !memcmp(t, "IIRS", 4) || !memcmp(t, "MMOR", 4) ||
	       !memcmp(t, "IIU\0", 4);
}

/* camera: a camera RAW's own magic number is taken for TIFF's (read alone, never edited). */
static int start(struct exif *x, unsigned char *t, size_t n, int camera)
{
	memset(x, 0, sizeof(*x));
	x->t = t;
	x->n = n;
	if (n < 8 || (memcmp(t, "MM\0*", 4) && memcmp(t, "II*\0", 4) && !(camera && camera_magic(t))))
		return error("no TIFF header");
	x->big = t[0] == 'M';
	x->kept_end = 8;
	return 0;
}

int exif_parse(struct exif *x, unsigned char *t, size_t n)
{
	struct walk w = { .x = x, .ifd0_only = 0, .cover = NULL };

	return start(x, t, n, 0) < 0 ? -1 : walk_chain(&w);
}

/*
 * The walk of IFD0 alone only reads the block: the cast drops a const
 * that nothing here needs, since no edit follows.
 */
int exif_read_orientation(const unsigned char *t, size_t n)
{
	struct exif x;
	struct walk w = { .x = &x, .ifd0_only = 1, .cover = NULL };
	int ret = start(&x, (unsigned char *)t, n, 1);

	if (ret == 0)
		ret = walk_ifd(&w, rd32(&x, 4), IFD_MAIN, 0);
	if (ret < 0) {
		error_clear();
		return 1;
	}
	return exif_orientation(&x);
}

/* A single SHORT, as TIFF defines the tag. */
int exif_orientation(const struct exif *x)
{
	unsigned v;

	if (!x->orientation || rd16(x, x->orientation + 2) != TYPE_SHORT ||
	    rd32(x, x->orientation + 4) != 1)
		return 1;
	v = rd16(x, x->orientation + 8);
	return v >= 1 && v <= 8 ? (int)v : 1;
}

/* Makes the entry at e hold one inline value of type: a SHORT or LONG fits in place. */
static int set_value(struct exif *x, size_t e, unsigned type, uint32_t v)
{
	int same = rd16(x, e + 2) == type && rd32(x, e + 4) == 1 &&
		   (type == TYPE_SHORT ? rd16(x, e + 8) == v : rd32(x, e + 8) == v);

	wr16(x, e + 2, type);
	wr32(x, e + 4, 1);
	wr32(x, e + 8, 0);
	if (type == TYPE_SHORT)
		wr16(x, e + 8, v);
	else
		wr32(x, e + 8, v);
	return !same;
}

/*
 * Every Orientation tag of IFD0, not only the one read: a viewer that read
 * another copy would turn the upright pixels again.
 */
int exif_set_upright(struct exif *x)
{
	unsigned count;
	int changed = 0;

	if (!x->orientation || !fits(x, x->ifd0, 2))
		return 0;
	count = rd16(x, x->ifd0);
	for (unsigned i = 0; i < count && fits(x, x->ifd0 + 2 + 12 * (uint64_t)i, 12); i++) {
		size_t e = x->ifd0 + 2 + 12 * (size_t)i;

		if (rd16(x, e) == TAG_ORIENTATION)
			changed |= set_value(x, e, TYPE_SHORT, 1);
	}
	return changed;
}

/* A SHORT stays a SHORT while the value fits, so a size that did not change leaves the bytes alone. */
static int set_dimension(struct exif *x, size_t e, uint32_t v)
{
	unsigned type = rd16(x, e + 2) == TYPE_SHORT && v <= 0xffff ? TYPE_SHORT : TYPE_LONG;

	return set_value(x, e, type, v);
}

int exif_set_size(struct exif *x, uint32_t width, uint32_t height)
{
	int changed = 0;

	if (x->xdim)
		changed |= set_dimension(x, x->xdim, width);
	if (x->ydim)
		changed |= set_dimension(x, x->ydim, height);
	return changed;
}

/*
 * Walks the block again, marking the bytes of every part still linked, and
 * counts the bytes outside them that are not zero, zeroing them if asked.
 * *x becomes the new walk: offsets are unchanged, links may be fewer.
 */
static long sweep(struct exif *x, int zero)
{
	struct exif y;
	struct walk w = { .x = &y, .ifd0_only = 0, .cover = NULL };
	long loose = 0, level = 0;

	if (start(&y, x->t, x->n, 0) < 0)
		return -1;
	w.cover = calloc(y.n + 1, sizeof(*w.cover));
	if (!w.cover)
		return error("out of memory");
	if (walk_chain(&w) < 0) {
		free(w.cover);
		return -1;
	}
	/* The TIFF header, bytes 0 to 8, is always in use. */
	for (size_t i = 0; i < y.n; i++) {
		level += w.cover[i];
		if (i < 8 || level > 0 || !y.t[i])
			continue;
		loose++;
		if (zero)
			y.t[i] = 0;
	}
	free(w.cover);
	*x = y;
	return loose;
}

int exif_scrub(struct exif *x)
{
	long loose = sweep(x, 1);

	return loose < 0 ? -1 : loose > 0;
}

long exif_loose_bytes(struct exif *x)
{
	return sweep(x, 0);
}

int exif_drop_thumbnail(struct exif *x)
{
	size_t next = x->ifd0 + 2 + 12 * (size_t)rd16(x, x->ifd0);
	int had = x->ifd1 != 0, scrubbed;

	if (had && fits(x, next, 4))
		wr32(x, next, 0);
	if (had && x->kept_end <= x->thumb_start)
		x->n = x->kept_end;
	scrubbed = exif_scrub(x);
	if (scrubbed < 0)
		return -1;
	/* In a forged block IFD0's link may lie where an edit cannot reach it. */
	if (x->ifd1)
		return error("the thumbnail's IFD is still linked after unlinking it");
	return had || scrubbed;
}

/* Removes the entry at e from the IFD at ifd, moving the ones after it up; 0, or -1. */
static int remove_entry(struct exif *x, size_t ifd, size_t e)
{
	unsigned count = rd16(x, ifd);
	size_t end = ifd + 2 + 12 * (size_t)count + 4;

	if (!count || e < ifd + 2 || e + 12 > end || !fits(x, ifd, end - ifd))
		return -1;
	memmove(x->t + e, x->t + e + 12, end - e - 12);
	memset(x->t + end - 12, 0, 12);
	wr16(x, ifd, count - 1);
	return 0;
}

/*
 * Every GPS pointer of the IFD at ifd. Each removal lowers the count, so
 * the loop ends even where a forged block makes IFDs overlap.
 */
static void remove_gps_pointers(struct exif *x, size_t ifd)
{
	unsigned i = 0;

	while (fits(x, ifd, 2) && i < rd16(x, ifd)) {
		size_t e = ifd + 2 + 12 * (size_t)i;

		if (!fits(x, e, 12))
			return;
		if (rd16(x, e) != TAG_GPS_IFD || remove_entry(x, ifd, e) < 0)
			i++;
	}
}

int exif_drop_gps(struct exif *x)
{
	int had = x->gps_pointers > 0, scrubbed;

	for (int i = 0; i < x->ifds; i++)
		remove_gps_pointers(x, x->ifd_at[i]);
	scrubbed = exif_scrub(x);
	if (scrubbed < 0)
		return -1;
	if (x->gps_pointers)
		return error("a GPS pointer is still linked after removing them all");
	return had || scrubbed;
}

void exif_string(const struct exif *x, size_t entry, char *buf, size_t size)
{
	uint32_t count, at;
	size_t len;

	buf[0] = '\0';
	if (!entry || rd16(x, entry + 2) != TYPE_ASCII || size == 0)
		return;
	count = rd32(x, entry + 4);
	at = count <= 4 ? (uint32_t)entry + 8 : rd32(x, entry + 8);
	len = count < size - 1 ? count : size - 1;
	memcpy(buf, x->t + at, len);
	buf[len] = '\0';
}

int exif_field(const struct exif *x, size_t ifd, unsigned i, struct exif_field *f)
{
	size_t e = ifd + 2 + 12 * (size_t)i;
	uint64_t bytes, at;

	if (!fits(x, ifd, 2) || i >= rd16(x, ifd) || !fits(x, e, 12))
		return 0;
	f->tag = rd16(x, e);
	f->type = rd16(x, e + 2);
	f->count = rd32(x, e + 4);
	f->link = -1;
	bytes = (uint64_t)type_size(f->type) * f->count;
	at = bytes <= 4 ? e + 8 : rd32(x, e + 8);
	if (!fits(x, at, bytes))
		return 0;
	f->value = x->t + at;
	return 1;
}

/* Bytes a field's values take outside its entry: 0 when they fit in it, else even. */
static uint64_t outside_bytes(const struct exif_field *f)
{
	uint64_t bytes = f->link >= 0 ? 4 : (uint64_t)type_size(f->type) * f->count;

	return bytes <= 4 ? 0 : bytes + (bytes & 1);
}

/* Where each IFD goes (at[]), and the block's length; -1 with error() over max. */
static int lay_out(const struct exif_dir *dirs, int n, size_t max, uint64_t *at, uint64_t *len)
{
	uint64_t pos = 8;

	for (int d = 0; d < n; d++) {
		at[d] = pos;
		pos += 2 + 12 * (uint64_t)dirs[d].n + 4;
		for (unsigned i = 0; i < dirs[d].n && pos <= max; i++) {
			if (dirs[d].fields[i].link >= n)
				return error("a link to IFD %d of %d", dirs[d].fields[i].link, n);
			pos += outside_bytes(&dirs[d].fields[i]);
		}
		if (pos > max)
			return error("over %zu bytes", max);
	}
	*len = pos;
	return 0;
}

/* The IFD d at at[d], its values after it; t is zeroed, so padding stays zero. */
static void write_dir(struct exif *x, const struct exif_dir *dir, const uint64_t *at, int d)
{
	size_t e = (size_t)at[d] + 2, data = e + 12 * (size_t)dir->n + 4;

	wr16(x, (size_t)at[d], dir->n);
	for (unsigned i = 0; i < dir->n; i++, e += 12) {
		const struct exif_field *f = &dir->fields[i];
		size_t bytes = f->link >= 0 ? 4 : (size_t)type_size(f->type) * f->count;

		wr16(x, e, f->tag);
		wr16(x, e + 2, f->link >= 0 ? TYPE_LONG : f->type);
		wr32(x, e + 4, f->link >= 0 ? 1 : f->count);
		if (f->link >= 0)
			wr32(x, e + 8, (uint32_t)at[f->link]);
		else if (bytes <= 4 && bytes)
			memcpy(x->t + e + 8, f->value, bytes);
		else if (bytes) {
			wr32(x, e + 8, (uint32_t)data);
			memcpy(x->t + data, f->value, bytes);
			data += (size_t)outside_bytes(f);
		}
	}
}

int exif_write(unsigned char **block, size_t *len, int big, const struct exif_dir *dirs, int n,
	       size_t max)
{
	uint64_t at[EXIF_MAX_IFDS], bytes = 0;
	struct exif x;

	if (n < 1 || n > EXIF_MAX_IFDS)
		return error("%d IFDs to write", n);
	if (lay_out(dirs, n, max, at, &bytes) < 0)
		return -1;
	memset(&x, 0, sizeof(x));
	x.t = calloc(1, (size_t)bytes);
	if (!x.t)
		return error("out of memory");
	x.n = (size_t)bytes;
	x.big = big;
	memcpy(x.t, big ? "MM\0*" : "II*\0", 4);
	wr32(&x, 4, 8);
	for (int d = 0; d < n; d++)
		write_dir(&x, &dirs[d], at, d);
	*block = x.t;
	*len = x.n;
	return 0;
}

int exif_describes_photo(unsigned tag)
{
	static const unsigned short tags[] = {
		EXIF_TAG_DESCRIPTION, EXIF_TAG_MAKE, EXIF_TAG_MODEL, TAG_ORIENTATION, EXIF_TAG_XRES,
		EXIF_TAG_YRES, EXIF_TAG_RES_UNIT, EXIF_TAG_SOFTWARE, EXIF_TAG_DATETIME, EXIF_TAG_ARTIST,
		EXIF_TAG_COPYRIGHT,
	};

	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		if (tags[i] == tag)
			return 1;
	return 0;
}
