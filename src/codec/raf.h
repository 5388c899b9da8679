#ifndef PIXPOOL_RAF_H
#define PIXPOOL_RAF_H

/*
 * Fujifilm's RAF, a camera RAW the RAW row (raw.c) takes by its magic
 * ("FUJIFILMCCD-RAW"): pixpool's own bounded reader of its header, its
 * embedded JPEG's EXIF, and its decode through libraw (raf.c says the
 * layout and the limits).
 *
 *	if (raf_sniff(head, n))
 *		ret = raf_header(&p, data, n);	// 0, PROBE_MORE or -1
 */

#include <stddef.h>
#include <stdint.h>

struct image;
struct probe;

/* Whether the first n bytes start a RAF. */
int raf_sniff(const unsigned char *head, size_t n);

/*
 * The sensor's full size, an upper bound of what libraw develops, from the
 * CFA header: 0, PROBE_MORE until its bytes are among the n given, or -1
 * with an error() ("corrupt RAW: ..."). A RAF of a SuperCCD sensor is
 * refused by name.
 */
int raf_header(struct probe *p, const unsigned char *d, size_t n);

/*
 * A RAF whose embedded JPEG is larger than the first bytes the parent reads
 * (input.c) has its CFA header further in: raf_meta_offset says where, from
 * the first n bytes (0 if not a RAF), and raf_header_window reads the
 * header from those and the wn bytes at w, the file's from offset at on,
 * with the Orientation of the JPEG's EXIF, as tiff_header_window does for
 * a TIFF. Returns 0, PROBE_MORE when the CFA header lies outside w, or -1.
 */
uint32_t raf_meta_offset(const unsigned char *d, size_t n);
int raf_header_window(struct probe *p, int *orientation, const unsigned char *head, size_t n,
		      const unsigned char *w, size_t wn, uint64_t at);

/* raf_header, and the embedded JPEG and the CFA lie within the n bytes of the file. */
int raf_complete(struct probe *p, const unsigned char *d, size_t n);

/* The EXIF block of the embedded JPEG, which holds the Orientation (format.h's exif). */
int raf_exif(const unsigned char *d, size_t n, const unsigned char **block, size_t *len);

#endif
