#ifndef PIXPOOL_PROBE_H
#define PIXPOOL_PROBE_H

/*
 * What an image file says about itself before any pixel is decoded: its
 * format and size from the header, then whether the file holds everything
 * the header promises. Every field is read with its bounds checked, from
 * bytes that may have been built to mislead.
 *
 * stb_image only ever sees files the probe accepted. That keeps it away from
 * the inputs that reach its undefined behaviour or its shared static
 * buffer (see stb.md), and lets every failure name a true cause
 * ("truncated PNG") instead of whatever stb said last. Each format's
 * parser is its row of the format table (format.h); this is the dispatch.
 *
 *	struct probe p;
 *	int r = probe_header(&p, data, n);	// n: the first bytes of the file
 *	if (r == PROBE_MORE)
 *		... read more and call again ...
 *	if (r < 0)
 *		... error_message() says why ...
 *	... p.width x p.height is what the header claims ...
 *	if (probe_complete(&p, data, size) < 0)	// size: the whole file
 *		... error_message() says why ("truncated JPEG") ...
 */

#include <stddef.h>
#include <stdint.h>

#include "codec/format.h"

struct probe {
	enum format format;	/* from the first bytes */
	uint32_t width;		/* as the header says (a top-down BMP's height is */
	uint32_t height;	/*   positive here) */
	/*
	 * The channels the decoder will give (1 grey, 2 grey and alpha, 3 RGB,
	 * 4 RGBA), from the header; a BMP's alpha mask and a PNG palette's
	 * transparency are known only once probe_complete has seen them.
	 */
	int channels;
	int empty_idat;		/* PNG: an empty IDAT chunk before any image data */
	int short_palette;	/* PNG: an indexed image with fewer than 256 colours */
	/*
	 * Bits per sample in the file where the header says (a PNG's 1 to 16,
	 * a PSD's 8 or 16; 0 for 8 where it does not), 16 being decoded at 16
	 * and rounded to 8; and the frames of an animated file (GIF; 0 for
	 * one), of which the decode takes the first. Both reach struct image's
	 * fields of the same names.
	 */
	int bits;
	int pages;
};

/* probe_header's answer when the header goes on past the bytes it was given. */
#define PROBE_MORE 1

/*
 * Reads the format, width and height from the first n bytes of a file.
 * Returns 0, PROBE_MORE, or -1 with an error() saying why the header cannot
 * be an image's ("not an image: ...", "corrupt BMP: ...").
 */
int probe_header(struct probe *p, const unsigned char *data, size_t n);

/*
 * Checks that a whole file of n bytes, whose header probe_header accepted,
 * holds all the data its header promises, in a form stb_image can read
 * safely: every row of a BMP, TGA or PNM; the end-of-image marker of a JPEG,
 * and Huffman tables of at most 256 symbols; every chunk of a PNG to the end
 * of IEND, none of them an unknown critical chunk; palette indices of a BMP
 * within its palette. Sets p->empty_idat and p->short_palette. Returns 0,
 * or -1 with an error() ("truncated TGA").
 */
int probe_complete(struct probe *p, const unsigned char *data, size_t n);

#endif
