/* The IFDs of a TIFF structure, read bounded (ifd.h). */
#include "codec/ifd.h"

#include <string.h>

#include "base/error.h"
#include "codec/bytes.h"
#include "codec/probe.h"

#define TYPE_BYTE 1
#define TYPE_SHORT 3
#define TYPE_LONG 4

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

int ifd_find(const struct ifd_file *f, const struct ifd *dir, unsigned tag, struct ifd_entry *e)
{
	for (unsigned i = 0; i < dir->count; i++) {
		uint64_t entry = (uint64_t)dir->at + 2 + 12 * (uint64_t)i;
		const unsigned char *p = bytes_at(f, entry);

		if (get16(p, f->big) != tag)
			continue;
		e->tag = tag;
		e->type = get16(p + 2, f->big);
		e->count = get32(p + 4, f->big);
		e->bytes = (uint64_t)type_size(e->type) * e->count;
		e->at = e->bytes <= 4 ? entry + 8 : get32(p + 8, f->big);
		return 1;
	}
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
