#ifndef PIXPOOL_BYTES_H
#define PIXPOOL_BYTES_H

/*
 * The one set of readers of integers stored in a file's bytes, for every
 * parser in codec/: big-endian (JPEG, PNG, ICC, "MM" TIFF) and
 * little-endian (BMP, TGA, "II" TIFF). None of them checks bounds itself;
 * the caller asks bytes_fit first, with the lengths it is about to read.
 *
 *	if (!bytes_fit(n, at, 4))
 *		return error("truncated ...");
 *	len = be32(d + at);
 *	tag = get16(t + e, big);	// TIFF: the byte order is the block's
 */

#include <stddef.h>
#include <stdint.h>

/* Whether len bytes at offset at lie inside n bytes, without overflowing. */
static inline int bytes_fit(uint64_t n, uint64_t at, uint64_t len)
{
	return at <= n && len <= n - at;
}

static inline uint32_t be16(const unsigned char *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static inline uint32_t be32(const unsigned char *p)
{
	return be16(p) << 16 | be16(p + 2);
}

static inline uint32_t le16(const unsigned char *p)
{
	return p[0] | (uint32_t)p[1] << 8;
}

static inline uint32_t le32(const unsigned char *p)
{
	return le16(p) | le16(p + 2) << 16;
}

/* A TIFF value, in the block's byte order: big for "MM", little for "II". */
static inline uint32_t get16(const unsigned char *p, int big)
{
	return big ? be16(p) : le16(p);
}

static inline uint32_t get32(const unsigned char *p, int big)
{
	return big ? be32(p) : le32(p);
}

static inline void put16(unsigned char *p, uint32_t v, int big)
{
	p[!big] = (unsigned char)(v >> 8);
	p[big] = (unsigned char)v;
}

static inline void put32(unsigned char *p, uint32_t v, int big)
{
	put16(p + (big ? 0 : 2), v >> 16, big);
	put16(p + (big ? 2 : 0), v & 0xffff, big);
}

static inline void put_be16(unsigned char *p, uint32_t v)
{
	put16(p, v, 1);
}

static inline void put_be32(unsigned char *p, uint32_t v)
{
	put32(p, v, 1);
}

#endif
