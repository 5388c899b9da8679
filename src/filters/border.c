/*
 * The border rule of every neighbourhood filter: a pixel outside the image
 * reads as the nearest pixel inside it.
 */
#include "filters/filters.h"

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
