#ifndef PIXPOOL_UNREAD_H
#define PIXPOOL_UNREAD_H

/*
 * Photo formats pixpool does not read, known by their first bytes or their
 * names: JPEG XL, the camera RAWs the RAW row does not take, JPEG 2000,
 * PSB, OpenEXR, Radiance HDR, ICO. A file of one is a photo all the same: the
 * walk makes it a task that fails with the reason, never a file skipped in
 * silence. The list is asked only after the format table (format.h), so a
 * row that comes to read one of these takes its files, and its entry here
 * is then never reached.
 *
 *	const struct unread *u = unread_of(head, n, "photo.jxl");
 *	if (u)
 *		... u->name is "JPEG XL", u->reason "JPEG XL: not a format pixpool reads" ...
 */

#include <stddef.h>

struct unread {
	const char *name;	/* "JPEG XL": what a user reads */
	const char *reason;	/* "JPEG XL: not a format pixpool reads" */
	/* Its magic bytes, at offset at, or NULL where its files have none of their own. */
	size_t at;
	const char *magic;
	size_t magic_len;
	/* The extensions its files are named with, in any case; NULL-ended. */
	const char *const *extensions;
};

/*
 * The photo format pixpool does not read of a file, by its name or its
 * first n bytes (at most SNIFF_BYTES are looked at); NULL when it is not
 * known as one. Only what no row of the format table claims is looked up:
 * bytes a row reads give NULL; an extension a row claims is not looked up,
 * the bytes are (a WebP file named .jpg is WebP, a broken JPEG is not).
 * The name decides before the bytes.
 */
const struct unread *unread_of(const unsigned char *head, size_t n, const char *name);

#endif
