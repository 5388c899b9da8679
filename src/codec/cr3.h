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

/* The most boxes one CR3 box may hold, and the most tracks read. */
#define CR3_MAX_BOXES 256
#define CR3_MAX_TRACKS 16

/* One raw track's sample: where its CRX data lies, its headers first. */
struct cr3_sample {
	uint64_t at;		/* co64's (or stco's) offset */
	uint64_t len;		/* stsz's size */
	uint32_t head_len;	/* CMP1's size of the tile, plane and subband headers */
};

struct cr3 {
	struct cr3_sample samples[CR3_MAX_TRACKS];
	int nsamples;
	uint32_t width;		/* the largest image's, as its CRAW entry says */
	uint32_t height;
	size_t ifd0_at;		/* CMT1's body, a TIFF structure (orientation, camera); */
	size_t ifd0_len;	/*   len 0 when there is none */
};

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

/*
 * Checks that every raw track's CRX data, as its tile, plane and subband
 * headers size it, lies within the file of n bytes: libraw 0.20 aborts
 * the process (an exception out of an OpenMP region) when it reads past
 * the end. Returns 0, or -1 with an error().
 */
int cr3_samples_complete(const struct cr3 *h, const unsigned char *d, size_t n);

#endif
