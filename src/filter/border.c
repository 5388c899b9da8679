/*
 * Row helpers of the neighbourhood filters: the border rule (a pixel
 * outside the image reads as the nearest pixel inside it), and putting
 * alpha back after a loop that ran over every sample.
 */
#include "filter/kernel.h"

#include <string.h>

void border_pad_row(unsigned char *dst, const unsigned char *row, int width,
		    int channels, int pad)
{
	size_t c = (size_t)channels;
	const unsigned char *last = row + (size_t)(width - 1) * c;

	for (int i = 0; i < pad; i++) {
		memcpy(dst + (size_t)i * c, row, c);
		memcpy(dst + (size_t)(pad + width + i) * c, last, c);
	}
	memcpy(dst + (size_t)pad * c, row, (size_t)width * c);
}

void copy_alpha(unsigned char *dst, const unsigned char *src, size_t n, int channels)
{
	size_t c = (size_t)channels;

	if (c == 2 || c == 4)
		for (size_t i = c - 1; i < n * c; i += c)
			dst[i] = src[i];
}
