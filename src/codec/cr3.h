#ifndef PIXPOOL_CR3_H
#define PIXPOOL_CR3_H

/*
 * pixpool's own reader of Canon's CR3, an ISO-BMFF file of brand "crx ":
 * what the parent needs before libraw sees a byte, read along fixed paths
 * with every box checked against its parent (bmff.h's bmff_next).
 *
 *	moov
 *	  uuid 85c0b687-820f-11e0-8111-f4ce462b6a48	Canon's: CMT1 is IFD0,
 *	    CMT1					a TIFF of its own
 *	  trak (one per image: preview JPEG, small, raw, metadata)
 *	    mdia/minf/stbl/stsd
 *	      CRAW					a visual sample entry: width, height
 *	mdat						every track's data
 *
 * The size is the largest CRAW entry's: the sensor's, an upper bound of
 * what libraw develops.
 */

#include <stddef.h>
#include <stdint.h>

struct cr3 {
	uint32_t width;		/* the largest image's, as its CRAW entry says */
	uint32_t height;
	size_t ifd0_at;		/* CMT1's body, a TIFF structure (orientation, camera); */
	size_t ifd0_len;	/*   len 0 when there is none */
};

/* The most boxes one CR3 box may hold, and the most tracks read. */
#define CR3_MAX_BOXES 256
#define CR3_MAX_TRACKS 16

/* Whether the first n bytes begin as a CR3 does. */
int cr3_sniff(const unsigned char *d, size_t n);

/*
 * Reads the first n bytes of a CR3 to the end of its moov box. Returns 0,
 * PROBE_MORE when moov goes on past n, or -1 with an error()
 * ("corrupt RAW: ...").
 */
int cr3_header(struct cr3 *h, const unsigned char *d, size_t n);

/*
 * Checks that a whole file of n bytes holds every top-level box whole
 * (mdat, the samples, among them). Returns 0, or -1 with an error()
 * ("truncated RAW: ...").
 */
int cr3_complete(const unsigned char *d, size_t n);

#endif
