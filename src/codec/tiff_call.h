#ifndef PIXPOOL_TIFF_CALL_H
#define PIXPOOL_TIFF_CALL_H

/*
 * The TIFF row's calls into libtiff (tiff_call.c, the only file that
 * includes <tiffio.h>), over files held in memory: libtiff never opens a
 * path. Its errors and warnings go to error(), never to standard error.
 *
 *	tiff_decode(&img, &layout, data, size);	// a file tiff.c's probe accepted
 *	tiff_encode(&img, &options, &buf);
 *
 * Each returns 0, or -1 with an error() in pixpool's words, libtiff's reason
 * after them.
 */

#include <stddef.h>
#include <stdint.h>

struct image;
struct buffer;
struct encode_options;

/* What tiff.c's parse of IFD0 found, and how the decode is to read it. */
struct tiff_layout {
	uint32_t width, height;
	uint32_t samples;	/* SamplesPerPixel */
	uint32_t bits;		/* BitsPerSample */
	uint32_t photometric;
	uint32_t planar;	/* 1 contiguous, 2 separate planes */
	uint32_t orientation;	/* 1..8, as stored */
	int channels;		/* what the decode gives */
	/*
	 * 1: 8- or 16-bit grey or RGB samples, contiguous, read strip by strip
	 * (or tile by tile) and taken as they are; 0: through libtiff's RGBA
	 * reader (palette, CMYK, YCbCr, 1 to 4 bits, separate planes).
	 */
	int direct;
	int associated;		/* the alpha is premultiplied: the decode undoes it */
	uint64_t max_alloc;	/* the most libtiff may allocate at once */
};

int tiff_decode(struct image *img, const struct tiff_layout *l, const unsigned char *d,
		size_t n);

/* img (8 bits, 1 to 4 channels) as a TIFF of one page, with o->meta's ICC and XMP. */
int tiff_encode(const struct image *img, const struct encode_options *o, struct buffer *out);

#endif
