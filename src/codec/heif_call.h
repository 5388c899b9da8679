#ifndef PIXPOOL_HEIF_CALL_H
#define PIXPOOL_HEIF_CALL_H

/*
 * The HEIC and AVIF rows' calls into libheif (heif_call.c, the one file
 * that includes its header), with its failures in pixpool's words. libheif
 * sees only files whose boxes pixpool's own reader accepted (bmff.h).
 */

#include <stddef.h>
#include <stdint.h>

struct image;
struct buffer;
struct meta;

/*
 * Decodes the primary image of a HEIF file held in memory, its container's
 * transforms (irot, imir, clap) applied, into RGB, or RGBA when it has an
 * alpha plane, 8 bits a sample (10 and 12 bits reduced, rounded). The image
 * may not be larger than max_width x max_height, what its header said.
 * name ("HEIC", "AVIF") is for messages. 0, or -1 with an error().
 */
int heif_call_decode(struct image *img, const unsigned char *d, size_t n, uint32_t max_width,
		     uint32_t max_height, const char *name);

/* What an AVIF is written with. */
struct avif_settings {
	int quality;		/* 1..100 */
	int speed;		/* 0 slowest, smallest .. 10 fastest */
	const struct meta *meta;	/* ICC, EXIF and XMP to carry; NULL for none */
};

/* Appends img as an AVIF (AV1, 8 bits, 4:2:0) to out: 0, or -1 with an error(). */
int heif_call_encode_avif(const struct image *img, const struct avif_settings *s,
			  struct buffer *out);

#endif
