/*
 * The WebP row's calls into libwebp (webp_call.c, the only file that
 * includes libwebp's headers): decode a bitstream into pixels pixpool
 * allocated, encode an image, and set the metadata chunks of an encoded
 * file with libwebpmux. Only codec/ includes it.
 *
 *	webp_decode_into(bytes, n, pixels, stride, size, channels);
 *	webp_encode(&img, quality, lossless, &buf);
 *	webp_set_meta(&buf, &m);	// ICCP, EXIF, "XMP " chunks and VP8X flags
 *
 * Each returns 0, or -1 with an error() in pixpool's words.
 */
#ifndef PIXPOOL_WEBP_H
#define PIXPOOL_WEBP_H

#include <stddef.h>

struct image;
struct buffer;
struct meta;

/* libwebp's WEBP_MAX_DIMENSION: the longest side a WebP bitstream stores. */
#define WEBP_SIDE_MAX 16383

/*
 * Where webp_decode_into writes: size bytes at pixels, rows stride bytes
 * apart, RGB (channels 3) or RGBA (4); scaled by libwebp while it decodes
 * to width x height when those are not 0.
 */
struct webp_target {
	unsigned char *pixels;
	size_t stride, size;
	int channels;
	int width, height;
};

/*
 * Decodes one still bitstream (a whole RIFF file, or one animation frame's
 * ALPH and VP8/VP8L chunks) into t. libwebp checks that its image fits
 * there; it writes nothing else.
 */
int webp_decode_into(const unsigned char *data, size_t n, const struct webp_target *t);

/* Appends img to buf: lossy at quality 1..100, or lossless; the same bytes every run. */
int webp_encode(const struct image *img, int quality, int lossless, struct buffer *buf);

/*
 * Rewrites the WebP file in buf with m's ICC profile, EXIF and XMP as
 * ICCP, EXIF and "XMP " chunks, and the VP8X chunk that announces them.
 * -1 with buf->failed set when memory runs out, -1 alone when libwebpmux
 * refuses the file (buf unchanged).
 */
int webp_set_meta(struct buffer *buf, const struct meta *m);

#endif
