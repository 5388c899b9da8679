#ifndef PIXPOOL_TIFF_H
#define PIXPOOL_TIFF_H

/*
 * A TIFF's header where it is not in the first bytes of the file: libtiff
 * writes IFD0 after the pixels, 144 MB into a 24 MP photo of 16 bits. The
 * parent, which reads only a file's first bytes for its size, reads the
 * neighbourhood of IFD0 as well (input.c).
 *
 *	uint32_t at = tiff_ifd0_offset(head, n);
 *	if (at >= n)
 *		... read wn bytes at offset at into w ...
 *		ret = tiff_header_window(&p, &orientation, head, n, w, wn, at);
 */

#include <stddef.h>
#include <stdint.h>

struct probe;

/* The offset of IFD0 in a classic TIFF (TIFF's magic number), from its first n bytes; 0 if none. */
uint32_t tiff_ifd0_offset(const unsigned char *d, size_t n);

/*
 * The header of the TIFF (or TIFF-based RAW) whose first n bytes are head,
 * from the wn bytes at w, which are the file's from offset at (IFD0's) on:
 * p as probe_header gives it, and the Orientation of IFD0. Returns 0,
 * PROBE_MORE when a value lies outside those bytes, or -1 with an error().
 */
int tiff_header_window(struct probe *p, int *orientation, const unsigned char *head, size_t n,
		       const unsigned char *w, size_t wn, uint64_t at);

#endif
