/* The IFDs of a TIFF structure, read bounded (ifd.h). */
#include "codec/ifd.h"

#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "codec/bytes.h"
#include "codec/exif.h"
#include "codec/image.h"
#include "codec/probe.h"

#define TYPE_BYTE 1
#define TYPE_SHORT 3
#define TYPE_LONG 4
#define TYPE_IFD 13

/* Whether len bytes at file offset at lie within the bytes given. */
static int within(const struct ifd_file *f, uint64_t at, uint64_t len)
{
	return at >= f->base && bytes_fit(f->n, at - f->base, len);
}

/* The bytes at file offset at, which within() has checked. */
static const unsigned char *bytes_at(const struct ifd_file *f, uint64_t at)
{
	return f->d + (at - f->base);
}

int ifd_open(struct ifd_file *f, const unsigned char *d, size_t n)
{
	f->d = d;
	f->n = n;
	f->base = 0;
	if (n < 8)
		return PROBE_MORE;
	if ((d[0] != 'I' || d[1] != 'I') && (d[0] != 'M' || d[1] != 'M'))
		return error("no TIFF byte order");
	f->big = d[0] == 'M';
	f->magic = get16(d + 2, f->big);
	f->first = get32(d + 4, f->big);
	return 0;
}

void ifd_window(struct ifd_file *f, const unsigned char *w, size_t n, uint64_t base)
{
	f->d = w;
	f->n = n;
	f->base = base;
}

int ifd_read(const struct ifd_file *f, uint32_t at, struct ifd *dir)
{
	*dir = (struct ifd){ 0, 0, 0 };
	if (at < 8)
		return error("IFD at offset %u, inside the header", at);
	if (!within(f, at, 2))
		return PROBE_MORE;
	dir->at = at;
	dir->count = get16(bytes_at(f, at), f->big);
	if (dir->count == 0 || dir->count > IFD_MAX_ENTRIES)
		return error("IFD of %u entries", dir->count);
	if (!within(f, (uint64_t)at + 2, 12 * (uint64_t)dir->count + 4))
		return PROBE_MORE;
	dir->next = get32(bytes_at(f, (uint64_t)at + 2 + 12 * (uint64_t)dir->count), f->big);
	return 0;
}

/* Bytes of one value of a TIFF type; 0 for a type TIFF does not define. */
static unsigned type_size(unsigned type)
{
	static const unsigned char size[] = { 0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4 };

	return type < sizeof(size) ? size[type] : 0;
}

int ifd_entry(const struct ifd_file *f, const struct ifd *dir, unsigned i, struct ifd_entry *e)
{
	uint64_t entry = (uint64_t)dir->at + 2 + 12 * (uint64_t)i;
	const unsigned char *p;

	if (i >= dir->count)
		return 0;
	p = bytes_at(f, entry);
	e->tag = get16(p, f->big);
	e->type = get16(p + 2, f->big);
	e->count = get32(p + 4, f->big);
	e->bytes = (uint64_t)type_size(e->type) * e->count;
	e->at = e->bytes <= 4 ? entry + 8 : get32(p + 8, f->big);
	return 1;
}

int ifd_find(const struct ifd_file *f, const struct ifd *dir, unsigned tag, struct ifd_entry *e)
{
	for (unsigned i = 0; ifd_entry(f, dir, i, e); i++)
		if (e->tag == tag)
			return 1;
	return 0;
}

int ifd_entry_fits(const struct ifd_file *f, const struct ifd_entry *e)
{
	return within(f, e->at, e->bytes);
}

int ifd_value(const struct ifd_file *f, const struct ifd_entry *e, uint32_t i, uint32_t *v)
{
	unsigned size = type_size(e->type);
	uint64_t at = e->at + (uint64_t)i * size;

	if (e->type != TYPE_BYTE && e->type != TYPE_SHORT && e->type != TYPE_LONG)
		return error("tag %u of type %u where a number belongs", e->tag, e->type);
	if (i >= e->count)
		return error("tag %u has %u values, not %u", e->tag, e->count, i + 1);
	if (!within(f, at, size))
		return PROBE_MORE;
	*v = size == 1 ? *bytes_at(f, at) : size == 2 ? get16(bytes_at(f, at), f->big) :
							get32(bytes_at(f, at), f->big);
	return 0;
}

int ifd_get(const struct ifd_file *f, const struct ifd *dir, unsigned tag, uint32_t fallback,
	    uint32_t *v)
{
	struct ifd_entry e;

	if (!ifd_find(f, dir, tag, &e)) {
		*v = fallback;
		return 0;
	}
	return ifd_value(f, &e, 0, v);
}


/*
 * Brent's cycle finding: the tortoise waits at a power of two of steps
 * while the hare walks, so a loop of any length is met in bounded steps
 * and constant memory, however the offsets are forged.
 */
int ifd_chain_length(const struct ifd_file *f, long most, long *length)
{
	uint32_t tortoise = f->first, hare = f->first;
	long count = 0, power = 1, lambda = 0;

	while (hare) {
		struct ifd dir = { 0, 0, 0 };
		int ret = ifd_read(f, hare, &dir);

		if (ret)
			return ret;
		if (++count > most)
			return error("more than %ld IFDs", most);
		hare = dir.next;
		if (hare && hare == tortoise)
			return error("the IFD chain loops");
		if (++lambda == power) {
			tortoise = hare;
			power *= 2;
			lambda = 0;
		}
	}
	*length = count;
	return 0;
}

/* The offsets and byte counts of a directory's strips, or of its tiles. */
static int find_segments(const struct ifd_file *f, const struct ifd *dir, struct ifd_entry *at,
			 struct ifd_entry *len, const char *name)
{
	int tiled = ifd_find(f, dir, IFD_TAG_TILE_OFFSETS, at);

	if (!tiled && !ifd_find(f, dir, IFD_TAG_STRIP_OFFSETS, at))
		return error("corrupt %s: no strip or tile offsets", name);
	if (!ifd_find(f, dir, tiled ? IFD_TAG_TILE_BYTES : IFD_TAG_STRIP_BYTES, len))
		return error("corrupt %s: no byte counts of its %s", name, tiled ? "tiles" : "strips");
	if (at->count != len->count)
		return error("corrupt %s: %u offsets but %u byte counts", name, at->count, len->count);
	if (!ifd_entry_fits(f, at) || !ifd_entry_fits(f, len))
		return error("truncated %s: its strip offsets lie past the end", name);
	return 0;
}

int ifd_data_complete(const struct ifd_file *f, const struct ifd *dir, uint64_t segments,
		      const char *name)
{
	struct ifd_entry at, len;

	if (find_segments(f, dir, &at, &len, name) < 0)
		return -1;
	if (at.count < segments)
		return error("corrupt %s: %u strips or tiles where the image needs %llu", name,
			     at.count, (unsigned long long)segments);
	for (uint32_t i = 0; i < at.count; i++) {
		uint32_t o = 0, l = 0;

		if (ifd_value(f, &at, i, &o) || ifd_value(f, &len, i, &l))
			return error("corrupt %s: strip offsets that are not numbers", name);
		if (!within(f, o, l))
			return error("truncated %s: strip or tile %u lies past the end", name, i);
	}
	return 0;
}

int ifd_exif(const unsigned char *d, size_t n, const unsigned char **block, size_t *len)
{
	if (n < 8 || (memcmp(d, "II*\0", 4) && memcmp(d, "MM\0*", 4)))
		return 0;
	*block = d;
	*len = n;
	return 1;
}

/* The IFDs an EXIF block holds, in the order written: IFD0 first, links only forward. */
enum exif_part { PART_MAIN, PART_EXIF, PART_GPS, PART_INTEROP, PARTS };

struct exif_source {
	struct ifd dir[PARTS];
	int present[PARTS];
	struct exif_field *fields[PARTS];
	unsigned n[PARTS];
};

/* The IFD that the first entry of tag in from points at, if there is one: 0, or -1 with error(). */
static int follow(const struct ifd_file *f, const struct ifd *from, unsigned tag,
		  struct ifd *to, int *present)
{
	struct ifd_entry e;
	uint32_t at = 0;
	int ret;

	*present = 0;
	if (!ifd_find(f, from, tag, &e))
		return 0;
	if (e.type == TYPE_IFD && e.count == 1)
		at = get32(bytes_at(f, e.at), f->big);
	else if (ifd_value(f, &e, 0, &at) < 0)
		return -1;
	ret = ifd_read(f, at, to);
	if (ret == PROBE_MORE)
		return error("the IFD of tag 0x%04x lies past the end", tag);
	if (ret < 0)
		return -1;
	*present = 1;
	return 0;
}

/* The part an entry of part links to, or PARTS when it is no link pixpool follows. */
static enum exif_part link_of(enum exif_part part, unsigned tag)
{
	if (part == PART_MAIN && tag == IFD_TAG_EXIF_IFD)
		return PART_EXIF;
	if (part == PART_MAIN && tag == IFD_TAG_GPS_IFD)
		return PART_GPS;
	if (part == PART_EXIF && tag == IFD_TAG_INTEROP_IFD)
		return PART_INTEROP;
	return PARTS;
}

/*
 * Whether an entry of part is copied as it is: not a link to another IFD,
 * of a type TIFF sizes, in IFD0 only about the photo, and an Orientation
 * only as TIFF defines it, one SHORT (another means 1 to every reader, and
 * a writer that sets it to 1 in place would leave its old values unlinked).
 */
static int copied(enum exif_part part, const struct ifd_entry *e)
{
	if (e->tag == IFD_TAG_EXIF_IFD || e->tag == IFD_TAG_GPS_IFD ||
	    e->tag == IFD_TAG_INTEROP_IFD || e->tag == IFD_TAG_SUBIFDS || !e->bytes)
		return 0;
	if (part != PART_MAIN)
		return 1;
	if (e->tag == IFD_TAG_ORIENTATION)
		return e->type == TYPE_SHORT && e->count == 1;
	return exif_describes_photo(e->tag);
}

/*
 * The entries of one part worth copying, values checked to lie in the
 * file; a link is kept as the part it leads to, resolved by link_parts.
 */
static int copy_part(const struct ifd_file *f, struct exif_source *s, enum exif_part part)
{
	struct ifd_entry e;
	int linked[PARTS] = { 0 };

	s->fields[part] = calloc(s->dir[part].count, sizeof(struct exif_field));
	if (!s->fields[part])
		return error("out of memory");
	for (unsigned i = 0; ifd_entry(f, &s->dir[part], i, &e); i++) {
		enum exif_part to = link_of(part, e.tag);
		struct exif_field *out = &s->fields[part][s->n[part]];

		if (to != PARTS && s->present[to] && !linked[to]++) {
			*out = (struct exif_field){ e.tag, TYPE_LONG, 1, NULL, (int)to };
			s->n[part]++;
		}
		if (!copied(part, &e))
			continue;
		if (!ifd_entry_fits(f, &e))
			return error("tag 0x%04x has its value past the end", e.tag);
		*out = (struct exif_field){ e.tag, e.type, e.count, bytes_at(f, e.at), -1 };
		s->n[part]++;
	}
	return 0;
}

/*
 * Drops the parts left empty and the links to them, then numbers the rest
 * in order: each link becomes the index exif_write takes. Links only lead
 * forward, so a part is judged after every part it links to. The number
 * of IFDs written.
 */
static int link_parts(struct exif_source *s, struct exif_dir *dirs)
{
	int kept[PARTS], index[PARTS], count = 0;

	for (int p = PARTS - 1; p >= 0; p--) {
		unsigned k = 0;

		for (unsigned i = 0; i < s->n[p]; i++)
			if (s->fields[p][i].link < 0 || kept[s->fields[p][i].link])
				s->fields[p][k++] = s->fields[p][i];
		s->n[p] = k;
		kept[p] = s->present[p] && k > 0;
	}
	for (int p = 0; p < PARTS; p++)
		index[p] = kept[p] ? count++ : -1;
	for (int p = 0; p < PARTS; p++) {
		for (unsigned i = 0; i < s->n[p]; i++)
			if (s->fields[p][i].link >= 0)
				s->fields[p][i].link = index[s->fields[p][i].link];
		if (kept[p])
			dirs[index[p]] = (struct exif_dir){ s->fields[p], s->n[p] };
	}
	return kept[PART_MAIN] ? count : 0;
}

/* Whether IFD0 says more than how to show the pixels: a link, or a tag about the photo. */
static int says_something(const struct exif_dir *main)
{
	for (unsigned i = 0; i < main->n; i++) {
		unsigned tag = main->fields[i].tag;

		if (main->fields[i].link >= 0 || tag == EXIF_TAG_DESCRIPTION || tag == EXIF_TAG_MAKE ||
		    tag == EXIF_TAG_MODEL || tag == EXIF_TAG_DATETIME || tag == EXIF_TAG_ARTIST ||
		    tag == EXIF_TAG_COPYRIGHT)
			return 1;
	}
	return 0;
}

/* Finds the parts IFD0 leads to and copies each: 0, or -1 with error(). */
static int gather(const struct ifd_file *f, struct exif_source *s)
{
	int ret = follow(f, &s->dir[PART_MAIN], IFD_TAG_EXIF_IFD, &s->dir[PART_EXIF],
			 &s->present[PART_EXIF]);

	if (ret == 0)
		ret = follow(f, &s->dir[PART_MAIN], IFD_TAG_GPS_IFD, &s->dir[PART_GPS],
			     &s->present[PART_GPS]);
	if (ret == 0 && s->present[PART_EXIF])
		ret = follow(f, &s->dir[PART_EXIF], IFD_TAG_INTEROP_IFD, &s->dir[PART_INTEROP],
			     &s->present[PART_INTEROP]);
	for (int p = 0; p < PARTS && ret == 0; p++)
		if (s->present[p])
			ret = copy_part(f, s, (enum exif_part)p);
	return ret;
}

int ifd_exif_block(const struct ifd_file *f, const struct ifd *ifd0, struct buffer *out,
		   size_t max)
{
	struct exif_source s;
	struct exif_dir dirs[PARTS];
	unsigned char *block = NULL;
	size_t len = 0;
	int ret, n;

	memset(&s, 0, sizeof(s));
	s.dir[PART_MAIN] = *ifd0;
	s.present[PART_MAIN] = 1;
	ret = gather(f, &s);
	n = ret == 0 ? link_parts(&s, dirs) : 0;
	if (ret == 0 && n > 0 && says_something(&dirs[0]))
		ret = exif_write(&block, &len, f->big, dirs, n, max) < 0 ? -1 : 1;
	if (ret > 0) {
		buffer_put(out, block, len);
		free(block);
	}
	for (int p = 0; p < PARTS; p++)
		free(s.fields[p]);
	return ret;
}
