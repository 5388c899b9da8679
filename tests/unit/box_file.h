/*
 * An ISO-BMFF file built box by box for the unit tests of its readers
 * (HEIF's, test_bmff; a CR3's, test_cr3): boxes opened and closed like
 * brackets, each one's size written when it is closed.
 *
 *	struct file f = { 0 };
 *	box(&f, "moov");
 *	full(&f, "stsd", 0, 0);
 *	put(&f, 1, 4);
 *	end(&f);
 *	end(&f);
 */
#ifndef PIXPOOL_BOX_FILE_H
#define PIXPOOL_BOX_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct file {
	unsigned char d[4096];
	size_t n;
	size_t open[8];
	int depth;
};

/* v, big-endian, in bytes bytes (at most 8). */
static inline void put(struct file *f, uint64_t v, int bytes)
{
	for (int i = bytes - 1; i >= 0; i--)
		f->d[f->n++] = (unsigned char)(v >> 8 * i);
}

static inline void put_bytes(struct file *f, const void *p, size_t len)
{
	memcpy(f->d + f->n, p, len);
	f->n += len;
}

static inline void put_zeros(struct file *f, size_t len)
{
	memset(f->d + f->n, 0, len);
	f->n += len;
}

/* A NUL-terminated string, its NUL included. */
static inline void put_text(struct file *f, const char *s)
{
	put_bytes(f, s, strlen(s) + 1);
}

static inline void box(struct file *f, const char *type)
{
	f->open[f->depth++] = f->n;
	put(f, 0, 4);
	put_bytes(f, type, 4);
}

/* A full box: its version and flags after the type. */
static inline void full(struct file *f, const char *type, int version, int flags)
{
	box(f, type);
	put(f, (uint64_t)version, 1);
	put(f, (uint64_t)flags, 3);
}

static inline void end(struct file *f)
{
	size_t at = f->open[--f->depth], len = f->n - at;

	for (int i = 0; i < 4; i++)
		f->d[at + i] = (unsigned char)(len >> (24 - 8 * i));
}

#endif
