#ifndef PIXPOOL_RAW_CALL_H
#define PIXPOOL_RAW_CALL_H

/*
 * The RAW row's calls into libraw (raw_call.c, the only file that includes
 * <libraw/libraw.h>), over a file held in memory.
 *
 *	raw_decode(&img, data, size);	// a file raw.c's probe accepted
 *
 * Developed as libraw's dcraw_emu -w -W -o 1 -4 -t 0 -g 2.4 12.92 would:
 * the camera's white balance, demosaiced (AHD), into sRGB (its primaries
 * and its curve), the exposure as shot (no automatic brightening, which
 * would brighten each photo by its own histogram), at 16 bits reduced to 8
 * (sample_16_to_8), as stored: never turned (--autoorient turns it, from
 * IFD0's Orientation, as it turns a TIFF). img->bits is the sensor's.
 * Returns 0, or -1 with an error() in pixpool's words, libraw's after them.
 */

#include <stddef.h>
#include <stdint.h>

struct image;

int raw_decode(struct image *img, const unsigned char *d, size_t n);

/*
 * raw_decode, refused before libraw unpacks where it would develop an
 * image wider than width or taller than height: the size the header
 * parser announced, which the parent's memory estimate counted (raf.c).
 */
int raw_decode_within(struct image *img, const unsigned char *d, size_t n, uint32_t width,
		      uint32_t height);

#endif
